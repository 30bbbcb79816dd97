"""Settings: defaults < config file < environment; bad values name their key."""
import pytest

from llmcc.config import ConfigError, KEYS, find_config_file, load_settings


def test_defaults_without_any_file_or_env(tmp_path):
    s = load_settings(cwd=tmp_path, env={})
    assert s["mode"] == "auto" and s["agents.budget"] == 6 and s["verify.unroll"] == 8
    assert all(src == "default" for src in s.sources.values())


def test_config_file_found_upward_without_home(tmp_path):
    (tmp_path / ".llmcc.toml").write_text('mode = "pipeline"\n[agents]\nbudget = 18\n')
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    s = load_settings(cwd=deep, env={})
    assert s["mode"] == "pipeline" and s["agents.budget"] == 18
    assert s.sources["agents.budget"] == str(tmp_path / ".llmcc.toml")


def test_env_overrides_file_and_names_itself(tmp_path):
    (tmp_path / ".llmcc.toml").write_text('mode = "pipeline"\n')
    s = load_settings(cwd=tmp_path, env={"LLMCC_MODE": "off", "LLMCC_CACHE_MAX_SIZE": "2G"})
    assert s["mode"] == "off" and s.sources["mode"] == "env LLMCC_MODE"
    assert s["cache_max_size"] == 2 << 30


@pytest.mark.parametrize("text, key", [
    ('mode = "fast"\n', "mode"),
    ('[agents]\nbudget = -1\n', "agents.budget"),
    ('[llm]\ntemperature = "hot"\n', "llm.temperature"),
    ('nonsense_key = 1\n', "nonsense_key"),
])
def test_bad_values_raise_an_error_naming_the_key(tmp_path, text, key):
    (tmp_path / ".llmcc.toml").write_text(text)
    with pytest.raises(ConfigError) as e:
        load_settings(cwd=tmp_path, env={})
    assert key in str(e.value) and "\n" not in str(e.value)


def test_broken_toml_is_a_clear_error(tmp_path):
    (tmp_path / ".llmcc.toml").write_text("mode = \n")
    with pytest.raises(ConfigError, match=".llmcc.toml"):
        load_settings(cwd=tmp_path, env={})


def test_explicit_config_path_wins_and_must_exist(tmp_path):
    cfg = tmp_path / "x.toml"
    cfg.write_text('mode = "score"\n')
    assert load_settings(cwd=tmp_path, env={"LLMCC_CONFIG": str(cfg)})["mode"] == "score"
    with pytest.raises(ConfigError, match="LLMCC_CONFIG"):
        load_settings(cwd=tmp_path, env={"LLMCC_CONFIG": str(tmp_path / "missing.toml")})


def test_secrets_are_never_described(tmp_path):
    # The API key itself is never a setting: only the *name* of the env var holding it.
    s = load_settings(cwd=tmp_path, env={"OPENAI_API_KEY": "sk-very-secret"})
    assert "sk-very-secret" not in repr(s.describe()) and "sk-very-secret" not in s.fingerprint()


def test_every_key_has_an_env_name_and_doc():
    names = [k.env for k in KEYS]
    assert len(names) == len(set(names))
    assert all(k.doc for k in KEYS)


def test_cache_dir_without_home_lives_next_to_config(tmp_path, monkeypatch):
    (tmp_path / ".llmcc.toml").write_text("")
    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    s = load_settings(cwd=tmp_path, env={})
    assert s.cache_dir() == tmp_path / ".llmcc-cache"
    assert find_config_file(tmp_path, env={}) == tmp_path / ".llmcc.toml"


def test_budget_and_base_dir_keys():
    from llmcc.config import ConfigError, load_settings
    s = load_settings(env={"LLMCC_CONFIG": "/dev/null", "LLMCC_BUDGET_SECONDS": "12.5",
                           "LLMCC_CACHE_BASE_DIR": "/src"})
    assert s["budget.seconds"] == 12.5 and s["cache_base_dir"] == "/src"
    assert s.sources["budget.seconds"] == "env LLMCC_BUDGET_SECONDS"
    # The base dir is a path: it changes keys through the arguments, not the fingerprint.
    assert "cache_base_dir" not in s.fingerprint()
    try:
        load_settings(env={"LLMCC_CONFIG": "/dev/null", "LLMCC_BUDGET_TOP_TUS": "-1"})
    except ConfigError as e:
        assert "budget.top_tus" in str(e)
    else:
        raise AssertionError("a negative budget must be refused")


def test_parsed_config_is_remembered_until_the_file_changes(tmp_path):
    """A configured project reads its .llmcc.toml at every compile; the parsed table is
    remembered (tomllib's imports cost more than a pass-through) and any edit, even one
    that keeps the size, is seen at once."""
    import time
    cfg, cache = tmp_path / ".llmcc.toml", tmp_path / "cache"
    env = {"LLMCC_CACHE_DIR": str(cache)}
    cfg.write_text('mode = "off"\n')
    assert load_settings(cwd=tmp_path, env=env)["mode"] == "off"
    assert not (cache / "config").exists()      # changed < 2 s ago: not remembered yet
    time.sleep(2.1)
    assert load_settings(cwd=tmp_path, env=env)["mode"] == "off"
    [memo] = (cache / "config").glob("*.json")
    memo.write_text('{"mode": "score"}')        # proves the remembered table is what is read
    assert load_settings(cwd=tmp_path, env=env)["mode"] == "score"
    cfg.write_text('mode = "llm"\n')            # same size, new mtime/ctime
    assert load_settings(cwd=tmp_path, env=env)["mode"] == "llm"
    cfg.write_text('mode = [\n')                # a broken file is an error every time
    for _ in range(2):
        with pytest.raises(ConfigError):
            load_settings(cwd=tmp_path, env=env)
