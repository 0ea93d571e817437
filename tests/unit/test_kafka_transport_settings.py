"""The `kafka` section's transport: TLS and SASL settings, secrets from env or files."""

import ssl
import subprocess
from pathlib import Path

import pytest

from services.app.settings import load_settings
from services.core.kafkaconnect import client_options
from services.core.settings import ConfigError, KafkaSettings
from tests.support.tlscerts import TlsFiles, make_tls, openssl_missing

PASSWORD = "s3cret-Kafka-pw"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "redflag.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_settings(path, env={})
    return info.value.problems


@pytest.fixture
def ca_pem(tmp_path: Path) -> Path:
    """A self-signed CA certificate, made with the openssl command."""
    key, cert = tmp_path / "ca.key", tmp_path / "ca.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=redflag test CA", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert


def test_sasl_password_from_env_reaches_the_clients_and_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(
        tmp_path,
        "kafka: {security_protocol: SASL_PLAINTEXT, sasl: {mechanism: SCRAM-SHA-256, "
        "username: redflag}}\n",
    )
    monkeypatch.setenv("REDFLAG_KAFKA__SASL__PASSWORD", PASSWORD)
    settings = load_settings(path)
    options = client_options(settings.kafka)
    assert options["security_protocol"] == "SASL_PLAINTEXT"
    assert options["sasl_mechanism"] == "SCRAM-SHA-256"
    assert (options["sasl_plain_username"], options["sasl_plain_password"]) == (
        "redflag",
        PASSWORD,
    )
    assert "ssl_context" not in options
    for shown in (repr(settings), str(settings.kafka), settings.model_dump_json()):
        assert PASSWORD not in shown


def test_sasl_password_from_a_secret_file(tmp_path: Path) -> None:
    secret = tmp_path / "kafka_password"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")  # `echo pw > file` adds a newline
    path = write(
        tmp_path,
        f"kafka: {{security_protocol: SASL_SSL, sasl: {{username: redflag, "
        f"password_file: {secret}}}}}\n",
    )
    kafka = load_settings(path, env={}).kafka
    options = client_options(kafka)
    assert options["sasl_plain_password"] == PASSWORD
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"  # the default
    assert isinstance(options["ssl_context"], ssl.SSLContext)  # SASL_SSL: TLS too


@pytest.mark.parametrize(
    ("kafka", "expected"),
    [
        ("{security_protocol: SASL_SSL}", "kafka: security_protocol SASL_SSL needs a sasl section"),
        (
            "{sasl: {username: u, password: p}}",
            "kafka: sasl is set but security_protocol is PLAINTEXT",
        ),
        (
            "{security_protocol: SASL_SSL, sasl: {username: u}}",
            "kafka.sasl: set exactly one of password and password_file",
        ),
        (
            "{security_protocol: SASL_SSL, sasl: {username: u, password: p, password_file: /x}}",
            "kafka.sasl: set exactly one of password and password_file",
        ),
        (
            "{security_protocol: SASL_SSL, sasl: {username: u, password_file: /nonexistent/pw}}",
            "kafka.sasl: password_file: cannot read /nonexistent/pw: No such file or directory",
        ),
        (
            "{security_protocol: SASL_SSL, sasl: {username: u, password: p, mechanism: GSSAPI}}",
            "kafka.sasl.mechanism: should be 'PLAIN', 'SCRAM-SHA-256' or 'SCRAM-SHA-512'",
        ),
        ("{security_protocol: TLS}", "kafka.security_protocol: should be 'PLAINTEXT', "
         "'SSL', 'SASL_PLAINTEXT' or 'SASL_SSL', got the text 'TLS'"),
        ("{security_protocol: SSL, tls: {cert_file: /x}}",
         "kafka.tls: cert_file and key_file go together"),
        ("{security_protocol: SSL, tls: {ca_file: /nonexistent/ca.pem}}",
         "kafka.tls: ca_file: /nonexistent/ca.pem is not a file"),
    ],
)  # fmt: skip
def test_transport_mistakes_are_named(tmp_path: Path, kafka: str, expected: str) -> None:
    assert problems(write(tmp_path, f"kafka: {kafka}\n")) == [expected]


def test_a_wrong_password_file_never_shows_its_content(tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_bytes(PASSWORD.encode() + b"\xff\xfe")  # not UTF-8
    path = write(
        tmp_path,
        f"kafka: {{security_protocol: SASL_SSL, sasl: {{username: u, password_file: {secret}}}}}\n",
    )
    found = problems(path)
    assert len(found) == 1 and str(secret) in found[0]
    assert PASSWORD not in found[0]


def test_tls_trusts_the_configured_ca_and_checks_host_names(ca_pem: Path) -> None:
    kafka = KafkaSettings(security_protocol="SSL", tls={"ca_file": ca_pem})  # type: ignore[arg-type]
    context = client_options(kafka)["ssl_context"]
    assert [c["subject"] for c in context.get_ca_certs()] == [
        ((("commonName", "redflag test CA"),),)
    ]
    assert context.check_hostname is True
    assert context.verify_mode == ssl.CERT_REQUIRED


def test_plaintext_gets_no_tls_and_no_sasl() -> None:
    options = client_options(KafkaSettings(bootstrap_servers="127.0.0.1:9092"))
    assert options == {
        "bootstrap_servers": "127.0.0.1:9092",
        "client_id": "redflag",
        "security_protocol": "PLAINTEXT",
    }


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    if openssl_missing():
        pytest.skip("no openssl command to make test certificates")
    return make_tls(tmp_path_factory.mktemp("tls"), PASSWORD)


def tls_problems(tmp_path: Path, tls: str) -> list[str]:
    return problems(write(tmp_path, f"kafka: {{security_protocol: SSL, tls: {tls}}}\n"))


def test_an_encrypted_client_key_loads_with_its_password_file(
    tmp_path: Path, tls_files: TlsFiles
) -> None:
    secret = tmp_path / "key-password"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    f = tls_files
    path = write(
        tmp_path,
        f"kafka: {{security_protocol: SSL, tls: {{ca_file: {f.ca}, cert_file: {f.client_cert}, "
        f"key_file: {f.client_key}, key_password_file: {secret}}}}}\n",
    )
    context = client_options(load_settings(path, env={}).kafka)["ssl_context"]
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.minimum_version >= ssl.TLSVersion.TLSv1_2


def test_unusable_tls_files_are_named_at_load_and_never_prompt(
    tmp_path: Path, tls_files: TlsFiles
) -> None:
    f = tls_files
    pair = f"cert_file: {f.client_cert}, key_file: {f.client_key}"
    cases = {  # OpenSSL would prompt on the terminal for the first; the rest said "PEM lib"
        f"{{{pair}}}": f"kafka.tls: key_file: {f.client_key} is encrypted; "
        "set key_password or key_password_file",
        f"{{{pair}, key_password: not-it}}": "kafka.tls: key_password does not decrypt "
        f"key_file {f.client_key}",
        f"{{cert_file: {f.ca}, key_file: {f.client_key}, key_password: {PASSWORD}}}": (
            f"kafka.tls: cert_file: {f.ca} is not the certificate of key_file {f.client_key}"
        ),
        f"{{cert_file: {f.client_key}, key_file: {f.client_key}}}": (
            f"kafka.tls: cert_file: {f.client_key} holds no PEM certificate"
        ),
        f"{{ca_file: {f.client_key}}}": f"kafka.tls: ca_file: {f.client_key} holds no PEM "
        "certificate (NO_CERTIFICATE_OR_CRL_FOUND)",
    }
    for tls, expected in cases.items():
        assert tls_problems(tmp_path, tls) == [expected]
