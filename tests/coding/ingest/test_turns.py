"""Speaker turns in transcripts, as offsets into the normalized text."""

import pytest

from coding.ingest import extract, find_speaker_turns
from tests import samples


@pytest.mark.parametrize(
    ("line", "speaker", "timestamp"),
    [
        ("Interviewer: How did it start?", "Interviewer", None),
        ("Intervjuer: Hvordan begynte det?", "Intervjuer", None),
        ("I: Hvordan begynte det?", "I", None),
        ("R1: Med en pilot.", "R1", None),
        ("Informant 2: Med en pilot.", "Informant 2", None),
        ("[00:12:31] Informant 2: Med en pilot.", "Informant 2", "00:12:31"),
        ("(12:31) Respondent: Ja.", "Respondent", "12:31"),
        ("00:12:31 Intervjuer: Ja?", "Intervjuer", "00:12:31"),
    ],
)
def test_role_labels_are_turns_on_their_own(line, speaker, timestamp):
    (turn,) = find_speaker_turns(line)

    assert (turn.speaker, turn.timestamp) == (speaker, timestamp)
    assert (turn.start, turn.end) == (0, len(line))


def test_named_speakers_and_multi_line_turns():
    text = (
        "Kari Nordmann: Vi startet i 2019.\n"
        "Det var krevende.\n"
        "Per Ås: Ja, særlig opplæringen.\n"
        "Kari Nordmann: Det stemmer.\n"
        "Per Ås: Takk."
    )

    turns = find_speaker_turns(text)

    assert [t.speaker for t in turns] == ["Kari Nordmann", "Per Ås", "Kari Nordmann", "Per Ås"]
    assert text[turns[0].start : turns[0].end] == (
        "Kari Nordmann: Vi startet i 2019.\nDet var krevende."
    )
    assert text[turns[0].body_start : turns[0].end].startswith("Vi startet")
    assert turns[-1].end == len(text)


def test_label_lines_in_ordinary_prose_are_not_turns():
    text = (
        "Merk: Planen revideres årlig.\nKilde: SSB.\n"
        "Published: 2019\nLanguage: English\n"
        + "Vanlig tekst om kommunen.\n" * 80
        + "Published: 2020\nLanguage: Norsk\n"
    )

    assert find_speaker_turns(text) == []


def test_a_single_name_once_is_not_a_turn():
    assert find_speaker_turns("Konklusjon fra arbeidet\nTrondheim: en by i vekst.") == []


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (samples.interview_transcript_txt(), "intervju.txt"),
        (samples.interview_transcript_txt("utf-16"), "intervju.txt"),
        (samples.interview_transcript_docx(), "intervju.docx"),
    ],
)
def test_transcript_turns_are_offsets_into_the_final_text(data, filename):
    extraction = extract(data, filename)

    assert [t.speaker for t in extraction.turns] == samples.TRANSCRIPT_SPEAKERS
    assert extraction.turns[1].timestamp == "00:00:12"
    for turn in extraction.turns:
        assert (
            extraction.text[turn.start : turn.end].rstrip()
            == extraction.text[turn.start : turn.end]
        )
        assert extraction.text[turn.start :].startswith(("[", turn.speaker + ":")), turn
    ends = [t.end for t in extraction.turns]
    starts = [t.start for t in extraction.turns]
    assert all(end <= start for end, start in zip(ends, starts[1:], strict=False))


def test_turn_detection_can_be_switched_off():
    extraction = extract(samples.interview_transcript_txt(), "i.txt", detect_turns=False)

    assert extraction.turns == []
