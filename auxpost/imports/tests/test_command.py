"""`auxpost import roster FILE.xlsx [--only-good] [--errors OUT.xlsx]` (SPEC §12)."""

import importlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from auxpost.audit.models import AuditEntry
from auxpost.imports.tests.xlsx import ROSTER_HEADERS, read_back, roster_row, write_roster, write_xlsx
from auxpost.people.models import Member

# The command's module is named after the command, "import", which is a Python keyword.
ProgressBar = importlib.import_module("auxpost.imports.management.commands.import").ProgressBar


def cmd(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# ------------------------------------------------------------------------------------ call_command

def test_good_file_prints_counts(district, tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [roster_row(姓名="甲"), roster_row(姓名="乙")])
    out, err = cmd("roster", str(path))
    assert "新增 2 人，更新 0 人" in out and "r.xlsx" in out
    assert err == ""  # not a terminal: no progress bar
    assert Member.objects.filter(name__in=["甲", "乙"]).count() == 2
    assert AuditEntry.objects.filter(action="import").latest("seq").actor_name == "system"


def test_bad_rows_list_every_row_and_write_nothing(district, tmp_path):
    rows = [roster_row(姓名="甲"), roster_row(姓名="乙", 手机号="12"), roster_row(姓名="丙", 学历="小学", 当前等级="九级")]
    path = write_roster(tmp_path / "r.xlsx", rows)
    before = Member.objects.count()
    with pytest.raises(CommandError) as exc:
        cmd("roster", str(path))
    text = str(exc.value)
    assert "共 3 行，其中 2 行有错误" in text
    assert "第3行 [手机号] " in text and "第4行 [学历] " in text and "第4行 [当前等级] " in text
    assert "--only-good" in text
    assert Member.objects.count() == before


def test_only_good_writes_good_rows_prints_bad_ones_and_saves_them(district, tmp_path):
    rows = [roster_row(姓名="甲"), roster_row(姓名="乙", 手机号="12"), roster_row(姓名="丙")]
    path = write_roster(tmp_path / "r.xlsx", rows)
    errors = tmp_path / "bad.xlsx"
    out, err = cmd("roster", str(path), "--only-good", "--errors", str(errors))
    assert "第3行 [手机号] " in err
    assert "导入 3 行中的 2 行" in out and "1 行有错误" in out and str(errors) in out
    headers, data = read_back(errors)
    assert headers == [*ROSTER_HEADERS, "错误原因"] and [r[0] for r in data] == ["乙"]
    assert set(Member.objects.filter(name__in="甲乙丙").values_list("name", flat=True)) == {"甲", "丙"}


def test_only_good_with_nothing_good_is_an_error(district, tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [roster_row(学历="小学")])
    with pytest.raises(CommandError, match="未导入任何数据"):
        cmd("roster", str(path), "--only-good")


def test_file_problems_are_clear_messages(district, tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        cmd("roster", str(tmp_path / "nope.xlsx"))
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match=r"不是 \.xlsx 工作簿"):
        cmd("roster", str(fake))
    headers = [h for h in ROSTER_HEADERS if h != "所属单位"]
    with pytest.raises(CommandError, match="缺少以下必填列：所属单位"):
        cmd("roster", str(write_xlsx(tmp_path / "h.xlsx", headers, [["x"] * len(headers)])))
    with pytest.raises(CommandError, match=r"\.xlsx 结尾"):
        cmd("roster", str(fake), "--errors", str(tmp_path / "out.csv"))


def test_user_option_records_the_actor_and_needs_an_import_role(district, tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [roster_row()])
    with pytest.raises(CommandError, match="没有名为 ghost 的有效用户"):
        cmd("roster", str(path), "--user", "ghost")
    with pytest.raises(CommandError, match="无权导入"):
        cmd("roster", str(path), "--user", "squadron1")
    cmd("roster", str(path), "--user", "hrco")
    assert AuditEntry.objects.filter(action="import").latest("seq").actor_name == "hrco"


def test_quota_refusal_names_the_unit(district, tmp_path):
    from auxpost.org.services import unit_set_quota

    unit_set_quota(actor=None, unit=district.sq2, quota=1)
    path = write_roster(tmp_path / "r.xlsx", [roster_row(所属单位="综合行政执法大队/第二中队/第一小队")])
    with pytest.raises(CommandError, match="第二中队"):
        cmd("roster", str(path))


def test_progress_bar_draws_percentages_on_a_terminal():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    stream = Tty()
    bar = ProgressBar(stream, enabled=True)
    for done in (0, 50, 100):
        bar("validate", done, 100)
    bar("write", 100, 100)
    bar.end()
    text = stream.getvalue()
    assert "校验 [" in text and " 50% 50/100" in text and "100% 100/100" in text and "写入 [" in text
    silent = Tty()
    ProgressBar(silent, enabled=False)("validate", 1, 2)
    assert silent.getvalue() == ""


# -------------------------------------------------------------------------------------- subprocess

AUXPOST = Path(sys.executable).with_name("auxpost")


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory):
    """A separate SQLite installation for the real command line (never the test or a real database)."""
    if not AUXPOST.exists():
        pytest.skip("the auxpost console script is not installed")
    var = tmp_path_factory.mktemp("cli-var")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_NAME")}
    env.update(AUXPOST_VAR_DIR=str(var), AUXPOST_TESTING="1", PYTHONDONTWRITEBYTECODE="1")
    subprocess.run([str(AUXPOST), "migrate", "-v", "0"], env=env, check=True, capture_output=True, timeout=300)
    setup = ("from auxpost.testing import make_unit\n"
             "b = make_unit('区综合行政执法局', 'bureau')\n"
             "g = make_unit('综合行政执法大队', 'brigade', b)\n"
             "s = make_unit('第一中队', 'squadron', g)\n"
             "make_unit('第一小队', 'team', s)\n")
    subprocess.run([str(AUXPOST), "shell", "-c", setup], env=env, check=True, capture_output=True, timeout=120)
    return env


def auxpost(env, *args):
    return subprocess.run([str(AUXPOST), *args], env=env, capture_output=True, text=True, timeout=300)


def test_cli_exit_codes_and_no_traceback(cli_env, tmp_path):
    good = write_roster(tmp_path / "good.xlsx", [roster_row(姓名="甲"), roster_row(姓名="乙")])
    bad = write_roster(tmp_path / "bad.xlsx", [roster_row(姓名="丙"), roster_row(姓名="丁", 所属单位="综合行政执法大队/第九中队")])
    fake = tmp_path / "fake.xlsx"
    fake.write_text("a,b\n")
    no_headers = write_xlsx(tmp_path / "nh.xlsx", ["姓名"], [["甲"]])

    r = auxpost(cli_env, "import", "roster", str(good))
    assert r.returncode == 0, r.stderr
    assert "新增 2 人" in r.stdout and "Traceback" not in r.stderr

    r = auxpost(cli_env, "import", "roster", str(bad))
    assert r.returncode == 1
    assert "第3行 [所属单位] 所属单位中的“第九中队”不存在" in r.stderr and "Traceback" not in r.stderr

    errors = tmp_path / "errors.xlsx"
    r = auxpost(cli_env, "import", "roster", str(bad), "--only-good", "--errors", str(errors))
    assert r.returncode == 0, r.stderr
    assert "第3行 [所属单位]" in r.stderr and "新增 1 人" in r.stdout
    assert [row[0] for row in read_back(errors)[1]] == ["丁"]

    for args in (["roster", str(tmp_path / "missing.xlsx")], ["roster", str(fake)], ["roster", str(no_headers)],
                 ["nonsense", str(good)], ["roster"]):
        r = auxpost(cli_env, "import", *args)
        assert r.returncode == 1, (args, r.stdout, r.stderr)
        assert "Traceback" not in r.stderr and r.stderr.strip()

    r = auxpost(cli_env, "shell", "-c", "from auxpost.people.models import Member; print(Member.objects.count())")
    assert r.stdout.strip().splitlines()[-1] == "3"  # 甲, 乙 and 丙; nothing from the refused runs


def test_cli_on_a_database_that_was_never_migrated(tmp_path):
    if not AUXPOST.exists():
        pytest.skip("the auxpost console script is not installed")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_NAME")}
    env.update(AUXPOST_VAR_DIR=str(tmp_path / "empty-var"), AUXPOST_TESTING="1")
    path = write_roster(tmp_path / "r.xlsx", [roster_row()])
    r = auxpost(env, "import", "roster", str(path), "--user", "admin")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "数据库拒绝了本次导入" in r.stderr
