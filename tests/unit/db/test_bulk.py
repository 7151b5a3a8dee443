"""`time_ordered_uid`: version-7 UUIDs whose order follows the clock."""

from __future__ import annotations

import itertools
import time
import uuid

from greenroom.db.bulk import time_ordered_uid, time_ordered_uids


def test_a_uid_is_a_canonical_version_7_uuid_string() -> None:
    uid = time_ordered_uid()
    parsed = uuid.UUID(uid)
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122
    assert str(parsed) == uid
    assert len(uid) == 36
    assert uid == uid.lower()


def test_every_uid_has_the_version_and_variant_bits() -> None:
    for _ in range(1000):
        parsed = uuid.UUID(time_ordered_uid())
        assert parsed.version == 7
        assert parsed.variant == uuid.RFC_4122


def test_the_leading_48_bits_are_the_current_unix_time_in_milliseconds() -> None:
    before = time.time_ns() // 1_000_000
    uid = time_ordered_uid()
    after = time.time_ns() // 1_000_000
    assert before <= uuid.UUID(uid).int >> 80 <= after


def test_uids_are_unique_over_ten_thousand_calls() -> None:
    uids = [time_ordered_uid() for _ in range(10_000)]
    assert len(set(uids)) == len(uids)


def test_uids_from_within_one_millisecond_still_differ_in_their_random_bits() -> None:
    uids = [uuid.UUID(time_ordered_uid()) for _ in range(200)]
    random_bits = {u.int & ((1 << 74) - 1) for u in uids}
    assert len(random_bits) == len(uids)


def test_uids_made_in_a_later_millisecond_sort_after_earlier_ones() -> None:
    earlier = [time_ordered_uid() for _ in range(50)]
    time.sleep(0.002)
    later = [time_ordered_uid() for _ in range(50)]
    assert max(earlier) < min(later)
    # The canonical text sorts like the 128-bit value, so database order is time order.
    assert sorted(earlier + later, key=lambda u: uuid.UUID(u).int) == sorted(earlier + later)


def test_sorting_batches_from_several_milliseconds_restores_their_order() -> None:
    batches = []
    for _ in range(4):
        batches.append([time_ordered_uid() for _ in range(20)])
        time.sleep(0.002)
    for earlier, later in itertools.pairwise(batches):
        assert max(earlier) < min(later)


def test_uids_made_together_are_distinct_version_7_uuids_of_this_millisecond() -> None:
    before = time.time_ns() // 1_000_000
    uids = time_ordered_uids(500)
    after = time.time_ns() // 1_000_000
    assert len(set(uids)) == 500
    for uid in uids:
        parsed = uuid.UUID(uid)
        assert parsed.version == 7
        assert before <= parsed.int >> 80 <= after
