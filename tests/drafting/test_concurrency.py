"""Two people saving one speech at the same moment, each in their own thread and connection."""

import threading

import pytest
from django.db import connection

from speechdraft.drafting.models import CONFLICT_NOTE, Speech
from speechdraft.drafting.services import speech_data, speech_save
from tests.drafting.factories import make_speech

pytestmark = pytest.mark.django_db(transaction=True)


def concurrent_saves(speech, users, texts):
    """Both saves start from the same version and are released together."""
    barrier = threading.Barrier(len(users))
    outcomes, errors = [None] * len(users), []

    base_version = speech.version

    def run(i):
        try:
            # Each thread has its own Speech, as each request does: speech_save updates the object it
            # is given, so a shared one would hand the later thread the winner's new version.
            mine = Speech.objects.get(pk=speech.pk)
            data = speech_data(mine)
            data["sections"][1]["body"] = texts[i]
            barrier.wait()
            outcomes[i] = speech_save(speech=mine, user=users[i], base_version=base_version, data=data)
        except Exception as exc:  # noqa: BLE001 - reported below with the thread it came from
            errors.append((i, exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(users))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    return outcomes


def test_two_simultaneous_saves_from_one_version_exactly_one_wins_and_both_texts_survive(drafter, colleague):
    speech = make_speech(drafter)
    texts = ["王秘书在这里改写的开场白。", "李科长同时写下的另一段开场白。"]
    outcomes = concurrent_saves(speech, [drafter, colleague], texts)
    assert sorted(o.conflict for o in outcomes) == [False, True]
    winner = texts[[o.conflict for o in outcomes].index(False)]
    speech.refresh_from_db()
    assert speech.version == 2
    assert speech.sections.get(role="opening").body == winner
    revisions = list(speech.revisions.order_by("number"))
    assert [r.number for r in revisions] == [1, 2, 3]
    assert sum(r.note == CONFLICT_NOTE for r in revisions) == 1
    stored = "\n".join(r.as_text() for r in revisions)
    assert texts[0] in stored and texts[1] in stored


def test_many_simultaneous_saves_lose_nothing(drafter, colleague):
    speech = make_speech(drafter)
    users = [drafter, colleague] * 3
    texts = [f"第{i}位同事同时保存的开场白。" for i in range(len(users))]
    outcomes = concurrent_saves(speech, users, texts)
    assert sum(not o.conflict for o in outcomes) == 1
    stored = "\n".join(r.as_text() for r in speech.revisions.all())
    assert all(text in stored for text in texts)
