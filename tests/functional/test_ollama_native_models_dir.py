"""ollama_native's models directory under a private parent, through real ansible-playbook runs of the role's own
tasks: the server's user gets a traverse-only ACL entry on the parents it cannot enter, and nobody else gains
anything (issue 28: `o+x` on every parent made root's home 0701). The server's user is `nobody` here."""

import os
import shutil
import stat
import subprocess
import tempfile

import pytest
from module_runner import recap, run_role_tasks

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("getfacl") is None,
    reason="chowns the models directory and runs commands as other users: needs root and the acl package",
)

SERVER_USER = "nobody"
OTHER_USER = "daemon"


@pytest.fixture
def private_home():
    """/tmp/<random> (0700) / home (0700): parents that only root may enter, as /root is."""
    base = tempfile.mkdtemp(prefix="llo-models-dir-")
    home = os.path.join(base, "home")
    os.mkdir(home, 0o700)
    yield base, home
    shutil.rmtree(base)


def run(tmp_path, models_dir, check=False):
    variables = {
        "ollama_native__models_dir": models_dir,
        "ollama_native__user_exists": True,
        "ollama_native_user": SERVER_USER,
        "ollama_native_group": "nogroup",
    }
    return run_role_tasks(tmp_path, "ollama_native", "models_dir.yml", variables, check=check)


def facl(path):
    return subprocess.run(
        ["getfacl", "--omit-header", "--numeric", path], capture_output=True, text=True, check=True
    ).stdout


def can_list(user, path):
    return subprocess.run(["runuser", "-u", user, "--", "ls", path], capture_output=True, check=False).returncode == 0


def test_private_parents_get_a_traverse_acl_for_the_server_only(tmp_path, private_home):
    base, home = private_home
    models = os.path.join(home, "models")

    rc, output = run(tmp_path, models, check=True)
    assert rc == 0, output
    assert recap(output)["changed"] > 0
    assert not os.path.exists(models) and "user:%d:" % 65534 not in facl(home)

    rc, output = run(tmp_path, models)
    assert rc == 0, output
    for parent in (base, home):
        mode = os.stat(parent).st_mode
        assert stat.S_IMODE(mode) & 0o007 == 0, "others gained %o on %s" % (stat.S_IMODE(mode), parent)
        entries = facl(parent).split()
        assert "user:65534:--x" in entries and "group::---" in entries and "other::---" in entries, entries
    assert os.stat("/tmp").st_mode & 0o7777 == 0o1777 and "user:65534" not in facl("/tmp")
    assert can_list(SERVER_USER, models)
    assert not can_list(OTHER_USER, models)

    rc, output = run(tmp_path, models)
    assert rc == 0, output
    assert recap(output)["changed"] == 0, output
