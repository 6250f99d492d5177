"""Specification of scripts/ensure-model.sh without the network.

Run: python3 -m pytest scripts/test_ensure_model.py

Each test runs a copy of the script in a temporary root (the script keeps its
models under <root>/models), with STT_MODEL_DOWNLOAD_BASE pointing at a closed
port (http://127.0.0.1:9/) or at a local HTTP server, so nothing is fetched
from the Internet and the repository's models/ is never touched.
"""

import http.server
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("ensure-model.sh")
UNREACHABLE = "http://127.0.0.1:9/"
OFFICIAL = ["tiny", "tiny.en", "base", "base.en", "small", "small.en", "small.en-tdrz",
            "medium", "medium.en", "large-v1", "large-v2", "large-v3", "large-v3-turbo",
            "large-v2-q5_0", "large-v3-q5_0", "large-v3-turbo-q5_0"]


@pytest.fixture
def root(tmp_path):
    (tmp_path / "scripts").mkdir()
    shutil.copy(SCRIPT, tmp_path / "scripts" / SCRIPT.name)
    return tmp_path


def ensure(root, name, base=UNREACHABLE):
    return subprocess.run(
        ["bash", str(root / "scripts" / SCRIPT.name), name],
        env={"PATH": "/usr/bin:/bin", "STT_MODEL_DOWNLOAD_BASE": base},
        capture_output=True, text=True, timeout=60)


def test_an_unknown_name_is_refused_with_the_known_names(root):
    result = ensure(root, "huge")
    assert result.returncode != 0
    assert "unknown model 'huge'" in result.stderr
    known = result.stderr.split("known:", 1)[1]
    for name in OFFICIAL:
        assert f" {name} " in known.replace(";", " ").replace(")", " "), name
    assert "trying" not in result.stderr  # refused before any download


def test_medium_without_network_says_where_to_put_the_file(root):
    result = ensure(root, "medium")
    assert result.returncode != 0
    assert "127.0.0.1:9/ggml-medium.bin" in result.stderr
    assert "models/ggml-medium.bin" in result.stderr
    assert "STT_MODEL_PATH" in result.stderr
    assert "fd9727b6e1217c2f614f9b698455c4ffd82463b4" in result.stderr  # the published SHA-1
    assert result.stdout == ""  # no path printed for a caller to use
    assert list((root / "models").iterdir()) == []  # no partial download left behind


@pytest.mark.parametrize("name", ["medium", "large-v3-turbo", "small.en-tdrz"])
def test_an_existing_file_is_used_without_network(root, name):
    (root / "models").mkdir()
    model = root / "models" / f"ggml-{name}.bin"
    model.write_bytes(b"ggml")
    result = ensure(root, name)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == str(model)
    assert "trying" not in result.stderr


class _Serve(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_a_download_is_held_to_the_published_sha1(root, tmp_path_factory):
    served = tmp_path_factory.mktemp("served")
    (served / "ggml-medium.en.bin").write_bytes(b"not the real weights")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a: _Serve(*a, directory=str(served)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = ensure(root, "medium.en", f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
    assert result.returncode != 0
    assert "SHA-1 mismatch" in result.stderr
    assert "models/ggml-medium.en.bin" in result.stderr
    assert list((root / "models").iterdir()) == []
