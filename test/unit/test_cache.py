"""The result cache: verified entries, atomic stores, eviction, stats, degraded modes."""
import threading
import time
from pathlib import Path

from llmcc.cache import Cache, atomic_copy


def test_store_and_lookup_round_trip(tmp_path):
    c = Cache(tmp_path / "c", 1 << 20)
    obj = tmp_path / "x.o"
    obj.write_bytes(b"\x7fELF object")
    assert c.store("ab" * 20, {"object": obj, "stderr": b"warning\n"})
    files = c.lookup("ab" * 20)
    assert files["object"].read_bytes() == b"\x7fELF object"
    assert files["stderr"].read_bytes() == b"warning\n"
    assert c.lookup("cd" * 20) is None


def test_corrupt_entry_is_a_miss_and_removed(tmp_path):
    c = Cache(tmp_path / "c", 1 << 20)
    c.store("ab" * 20, {"object": b"good"})
    (c._entry_dir("ab" * 20) / "object").write_bytes(b"evil")
    assert c.lookup("ab" * 20) is None
    assert not c._entry_dir("ab" * 20).exists()
    assert c.read_stats()["cache_corrupt"] == 1


def test_eviction_keeps_the_cache_under_its_bound_lru_first(tmp_path):
    c = Cache(tmp_path / "c", 10_000)
    for i in range(6):
        c.store(f"{i:02d}" * 20, {"object": bytes(3000)})
        time.sleep(0.01)
        if i == 0:
            c.lookup("00" * 20)   # keep the first one young
    s = c.summary()
    assert s["size"] <= 10_000
    assert c.lookup("00" * 20) is not None or s["entries"] < 6
    assert c.read_stats().get("evicted", 0) >= 1


def test_unusable_root_degrades_to_no_cache(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    c = Cache(blocker / "cache", 1 << 20)
    assert c.store("ab" * 20, {"object": b"x"}) is False
    assert c.lookup("ab" * 20) is None
    assert c.bump("x") == 0
    with c.lock("k") as locked:
        assert locked is False


def test_lock_serializes_identical_keys(tmp_path):
    c = Cache(tmp_path / "c", 1 << 20)
    order = []

    def worker(name):
        with c.lock("same"):
            order.append(f"{name}-in")
            time.sleep(0.2)
            order.append(f"{name}-out")

    ts = [threading.Thread(target=worker, args=(n,)) for n in "ab"]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert order[0][0] == order[1][0] and order[2][0] == order[3][0]


def test_atomic_copy_replaces_whole_file(tmp_path):
    src, dest = tmp_path / "s", tmp_path / "d"
    src.write_bytes(b"new" * 1000)
    dest.write_bytes(b"old")
    atomic_copy(src, dest)
    assert dest.read_bytes() == b"new" * 1000
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_clear_removes_entries_keeps_stats(tmp_path):
    c = Cache(tmp_path / "c", 1 << 20)
    c.store("ab" * 20, {"object": b"x"})
    c.bump("cache_hit")
    assert c.clear() == 1 and c.summary()["entries"] == 0
    assert c.read_stats()["cache_hit"] == 1
