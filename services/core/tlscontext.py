"""The client TLS context for Kafka, and what is wrong with its files when it cannot be built.

Settings build it once when they load, so a wrong key password, an encrypted key without one,
a certificate that is not the key's, or a CA file holding no certificate stops a stage at
start with a message naming the setting, instead of an SSL error ("PEM lib") at its first
connection. OpenSSL prompts on the terminal for an encrypted key's password when none is
given; a callback that refuses is passed instead, so a service never waits on stdin.
"""

import ssl
from pathlib import Path


class TlsFilesError(ValueError):
    """A TLS file cannot be used; the message names the setting and never a password."""


class _NoPassword(Exception):  # noqa: N818 - a signal from OpenSSL's password callback
    pass


def _refuse() -> str:
    raise _NoPassword


def client_context(
    ca_file: Path | None,
    cert_file: Path | None,
    key_file: Path | None,
    password: str | None,
    check_hostname: bool = True,
) -> ssl.SSLContext:
    """Verify servers against `ca_file` (the system CAs when unset; TLS 1.2 or later) and
    present `cert_file` with `key_file` when given (mutual TLS)."""
    try:
        context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca_file)
    except ssl.SSLError as exc:
        raise TlsFilesError(f"ca_file: {ca_file} holds no PEM certificate ({exc.reason})") from None
    if cert_file is not None:
        _check_pem(cert_file, "cert_file", "CERTIFICATE-----")
        _check_pem(key_file or cert_file, "key_file", "PRIVATE KEY-----")
        try:
            context.load_cert_chain(cert_file, key_file, password or _refuse)
        except _NoPassword:
            raise TlsFilesError(
                f"key_file: {key_file} is encrypted; set key_password or key_password_file"
            ) from None
        except ssl.SSLError as exc:
            if exc.reason == "KEY_VALUES_MISMATCH":
                raise TlsFilesError(
                    f"cert_file: {cert_file} is not the certificate of key_file {key_file}"
                ) from None
            raise TlsFilesError(f"key_password does not decrypt key_file {key_file}") from None
    context.check_hostname = check_hostname
    return context


def _check_pem(path: Path, setting: str, marker: str) -> None:
    try:
        text = path.read_text(encoding="ascii", errors="replace")
    except OSError as exc:
        raise TlsFilesError(f"{setting}: {path} cannot be read ({exc.strerror})") from None
    if marker not in text:
        wanted = "certificate" if setting == "cert_file" else "private key"
        raise TlsFilesError(f"{setting}: {path} holds no PEM {wanted}")
