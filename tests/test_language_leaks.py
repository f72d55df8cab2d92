"""The Norwegian walk's detector (tests/browser/language_leaks.py), on words alone: what it
takes for English, what for Norwegian, and what it leaves unread."""

from tests.browser.language_leaks import english_words, norwegian_words, shown_words


def test_the_interface_vocabulary_is_its_english_and_not_its_norwegian():
    english = english_words()
    assert {"upload", "documents", "delete", "codebook", "excerpts", "settings", "of"} <= english
    # Words of the translations (Norwegian ones, and those the languages share) are not.
    assert {"kode", "dokumenter", "at", "over"} <= norwegian_words()
    assert not {"kode", "dokumenter", "status", "data", "case", "start", "at"} & english
    # Nor are proper nouns and formats.
    assert not {"concord", "krippendorff", "csv", "feide", "nvivo"} & english


def test_capitals_and_e_mail_addresses_are_not_read():
    assert shown_words("Skriv OR og NOT, kari@demo.concord") == {"skriv", "og"}
