"""The garbage collector paused around a view (research.collector): no automatic collection
inside, and afterwards as it was, however pauses nest or end."""

import gc

import pytest

from research.collector import collector_paused, exception_released, pauses_collector


@pytest.fixture
def collector_running():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_a_paused_view_runs_without_the_collector_and_gives_it_back(collector_running):
    seen = []

    @pauses_collector
    def view(answer):
        seen.append(gc.isenabled())
        with collector_paused():  # nested: the outer pause still holds when it ends
            pass
        seen.append(gc.isenabled())
        return answer

    assert view(42) == 42
    assert seen == [False, False]
    assert gc.isenabled()


def test_the_collector_comes_back_when_the_view_fails(collector_running):
    @pauses_collector
    def view():
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        view()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off(collector_running):
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_a_released_exception_lets_go_of_its_frames_locals():
    class Big:
        freed = False

        def __del__(self):
            Big.freed = True

    def fails(value):
        try:
            raise KeyError("inner")
        except KeyError as inner:
            error = inner  # kept in the frame, as database wrappers do: a cycle
        raise ValueError("outer") from error

    def caught():
        held = Big()
        fails(held)

    with collector_paused():
        try:
            caught()
        except ValueError as exc:
            exception_released(exc)
        assert Big.freed  # by its reference count: no collection needed
