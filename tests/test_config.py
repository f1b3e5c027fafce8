"""Settings are read once, from the environment and the [hkai] secrets table;
the environment wins and nothing is written back into it."""

import os

from streamlit.testing.v1 import AppTest

from hkai.core.config import PROJECT_ROOT, load_settings


def test_environment_wins_over_secrets():
    secrets = {"HKAI_LLM_BASE_URL": "http://secret/v1", "HKAI_LLM_MODEL": "from-secrets",
               "HKAI_LLM_API_KEY": "k", "HKAI_MAX_FILE_MB": "5"}
    s = load_settings(env={"HKAI_LLM_MODEL": "from-env"}, secrets=secrets)
    assert s.llm.model == "from-env" and s.llm.base_url == "http://secret/v1"
    assert s.limits.file_bytes == 5 * 1024 * 1024


def test_limits_and_expiry_have_documented_defaults():
    s = load_settings(env={})
    assert s.limits.file_bytes == 20 * 1024 * 1024 and s.limits.unpacked_bytes == 60 * 1024 * 1024
    assert s.limits.chars == 1_000_000 and s.limits.owner_chunks == 12_000 and s.workspace_ttl_hours == 168
    assert s.llm is None and s.dense_weight is None


def test_app_reads_the_secrets_table_without_touching_the_environment(tmp_path, monkeypatch):
    from components.state import _loader, get_settings

    monkeypatch.setenv("HKAI_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("HKAI_EMBEDDING_MODEL", "none")
    monkeypatch.setenv("HKAI_LLM_MODEL", "env-model")
    for var in ("HKAI_LLM_BASE_URL", "HKAI_LLM_API_KEY", "HKAI_LLM_PROVIDER"):
        monkeypatch.delenv(var, raising=False)
    _loader.clear()
    get_settings.clear()
    before = dict(os.environ)
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    at.secrets["hkai"] = {"HKAI_LLM_BASE_URL": "http://127.0.0.1:9/v1", "HKAI_LLM_MODEL": "secret-model",
                          "HKAI_LLM_API_KEY": "sk-secret"}
    try:
        at.run()
        _loader().done.wait(120)
        at.run()
        assert not at.exception
        captions = " ".join(c.value for c in at.sidebar.caption)
        assert "env-model" in captions and "secret-model" not in captions  # the environment wins
        assert dict(os.environ) == before and "sk-secret" not in os.environ.values()
    finally:
        _loader().done.wait(120)
        _loader().lib.close()
        _loader.clear()
        get_settings.clear()


def test_a_store_folder_given_in_code_holds_the_feedback_file_too(tmp_path):
    settings = load_settings(env={}, store_dir=str(tmp_path / "s"))
    assert settings.store_dir == tmp_path / "s" and settings.feedback_file == tmp_path / "s" / "feedback.jsonl"
    assert load_settings(env={"HKAI_FEEDBACK_FILE": str(tmp_path / "f.jsonl")}, store_dir=tmp_path).feedback_file == \
        tmp_path / "f.jsonl"


def test_threads_are_the_cores_at_most_four_unless_set():
    assert 1 <= load_settings({}).threads <= 4
    assert load_settings({"HKAI_THREADS": "3"}).threads == 3
    assert load_settings({"HKAI_THREADS": "0"}).threads == 1
