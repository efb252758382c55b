import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from gwd.env import env_bool, env_int, env_list, env_origins, env_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("raw, expected", [("1", True), ("yes", True), ("off", False), ("", False)])
def test_env_bool_reads_common_spellings(raw, expected):
    assert env_bool("X", not expected, environ={"X": raw}) is expected


def test_env_bool_refuses_anything_else():
    with pytest.raises(ImproperlyConfigured, match=r"X='maybe' is not a boolean"):
        env_bool("X", False, environ={"X": "maybe"})


def test_env_int_refuses_words_and_values_out_of_range():
    with pytest.raises(ImproperlyConfigured, match="X='ten' is not a whole number"):
        env_int("X", 1, environ={"X": "ten"})
    with pytest.raises(ImproperlyConfigured, match="X=900 is above the maximum of 300"):
        env_int("X", 1, maximum=300, environ={"X": "900"})
    with pytest.raises(ImproperlyConfigured, match="X=-1 is below the minimum of 0"):
        env_int("X", 1, minimum=0, environ={"X": "-1"})
    assert env_int("X", 7, environ={}) == 7


def test_env_list_drops_blanks():
    assert env_list("X", [], environ={"X": " a.pl, ,b.pl "}) == ["a.pl", "b.pl"]


def test_env_url_refuses_an_unsupported_scheme():
    with pytest.raises(ImproperlyConfigured, match=r"DATABASE_URL must start with one of"):
        env_url("DATABASE_URL", "", schemes=("postgres",), environ={"DATABASE_URL": "mysql://x"})


def test_env_origins_need_a_scheme():
    with pytest.raises(ImproperlyConfigured, match="must be an origin with a scheme"):
        env_origins("CSRF_TRUSTED_ORIGINS", [], environ={"CSRF_TRUSTED_ORIGINS": "gwd.pl"})


def load_settings(code: str = "import gwd.settings", **env: str) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with exactly this environment (and run
    `code`, which may print what it read of them)."""
    clean = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


GOOD_KEY = "k" * 60


@pytest.mark.parametrize(
    "env, message",
    [
        ({}, "SECRET_KEY is required when DEBUG is off"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be at least 50 characters"),
        ({"SECRET_KEY": GOOD_KEY, "DEBUG": "perhaps"}, "DEBUG='perhaps' is not a boolean"),
        ({"SECRET_KEY": GOOD_KEY, "DATABASE_URL": "mysql://db/gwd"}, "DATABASE_URL must start"),
        ({"SECRET_KEY": GOOD_KEY, "REDIS_URL": "http://redis"}, "REDIS_URL must start"),
        ({"SECRET_KEY": GOOD_KEY, "S3_PRESIGNED_URL_SECONDS": "3600"}, "above the maximum of 300"),
        ({"SECRET_KEY": GOOD_KEY, "TASKS_BACKEND": "celery"}, "TASKS_BACKEND='celery' is unknown"),
        ({"SECRET_KEY": GOOD_KEY, "EMAIL_URL": "ftp://mail"}, "EMAIL_URL must start"),
        ({"SECRET_KEY": GOOD_KEY, "CSRF_TRUSTED_ORIGINS": "gwd.pl"}, "origin with a scheme"),
        ({"SECRET_KEY": GOOD_KEY, "MESSAGE_RATE": "fast"}, "MESSAGE_RATE='fast' is not a rate"),
        ({"SECRET_KEY": GOOD_KEY, "LOGIN_RATE": "30/minute"}, "LOGIN_RATE='30/minute' is not"),
    ],
)
def test_bad_settings_stop_start_up_with_a_clear_message(env, message):
    result = load_settings(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_postgres_url_turns_on_connection_pooling():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from gwd import settings as s; d = s.DATABASES['default']; "
            "print(d['ENGINE'], d['OPTIONS']['pool']['max_size'], d['CONN_MAX_AGE'])",
        ],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "SECRET_KEY": GOOD_KEY,
            "DATABASE_URL": "postgres://gwd@db.internal:5432/gwd",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "20", "0"], result.stderr


@pytest.mark.parametrize(("value", "expected"), [(None, ["True", "5"]), ("0", ["None", "None"])])
def test_postgres_prepares_statements_unless_told_not_to(value, expected):
    told = {} if value is None else {"DATABASE_PREPARED_STATEMENTS": value}
    result = load_settings(
        "from gwd import settings as s; o = s.DATABASES['default']['OPTIONS']; "
        "print(o.get('server_side_binding'), o.get('prepare_threshold'))",
        SECRET_KEY=GOOD_KEY,
        DATABASE_URL="postgres://gwd@db.internal:5432/gwd",
        **told,
    )
    assert result.stdout.split() == expected, result.stderr


def test_redis_url_switches_channel_layer_and_cache():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from gwd import settings as s; "
            "print(s.CHANNEL_LAYERS['default']['BACKEND'], s.CACHES['default']['BACKEND'])",
        ],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "SECRET_KEY": GOOD_KEY, "REDIS_URL": "redis://r:6379/2"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == [
        "channels_redis.core.RedisChannelLayer",
        "django.core.cache.backends.redis.RedisCache",
    ], result.stderr


def test_s3_bucket_switches_file_storage_to_private_s3():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from gwd import settings as s; f = s.STORAGES['default']; "
            "print(f['BACKEND'], f['OPTIONS']['default_acl'], f['OPTIONS']['querystring_expire'])",
        ],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "SECRET_KEY": GOOD_KEY, "S3_BUCKET": "gwd-files"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["storages.backends.s3.S3Storage", "None", "300"], result.stderr


def test_check_deploy_passes_with_production_values(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "SECRET_KEY": "p" * 20 + "Q9#x" * 10 + "zz!@",
        "ALLOWED_HOSTS": "gwd.example.pl",
        "CSRF_TRUSTED_ORIGINS": "https://gwd.example.pl",
        "GWD_VAR_DIR": str(tmp_path),
        "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.pl:587",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_email_url_becomes_an_smtp_mailer():
    from gwd.env import env_mailer

    mailer = env_mailer(
        "EMAIL_URL", environ={"EMAIL_URL": "smtp+tls://gwd%40zmp.pl:p%3Ass@smtp.zmp.pl"}
    )
    assert mailer["OPTIONS"] == {
        "host": "smtp.zmp.pl",
        "port": 587,
        "username": "gwd@zmp.pl",
        "password": "p:ss",
        "use_tls": True,
        "use_ssl": False,
        "timeout": 20,
    }
    assert env_mailer("EMAIL_URL", environ={})["BACKEND"].endswith("console.EmailBackend")
