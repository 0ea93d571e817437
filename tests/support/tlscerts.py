"""A throwaway certificate authority for TLS tests, made with the openssl command.

The suite's Apache Kafka serves an SSL listener with a server certificate from this CA and
requires a client certificate from it (mutual TLS), as a locked-down cluster does. Keys are
EC P-256 (fast to make); the client's key is encrypted, as `tls.key_password_file` expects.
"""

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

_EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]


@dataclass(frozen=True)
class TlsFiles:
    """PEM files for one test CA, a server on 127.0.0.1 and one client."""

    ca: Path  # the CA certificate: trust this
    server_keystore: Path  # the server's unencrypted PKCS#8 key, then its certificate
    client_cert: Path
    client_key: Path  # encrypted with `client_key_password`
    client_key_password: str


def openssl_missing() -> bool:
    """No openssl command on this machine: TLS tests skip, saying so."""
    return shutil.which("openssl") is None


def make_tls(directory: Path, client_key_password: str) -> TlsFiles:
    """A fresh CA, a server certificate for 127.0.0.1 and localhost, and a client's."""
    directory.mkdir(parents=True, exist_ok=True)
    ca_key, ca = directory / "ca.key", directory / "ca.pem"
    _openssl(
        "req", "-x509", *_EC, "-nodes", "-days", "2", "-subj", "/CN=redflag test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        "-keyout", str(ca_key), "-out", str(ca),
    )  # fmt: skip
    server_key, server_cert = _issue(
        directory, "server", ca, ca_key, "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
        "extendedKeyUsage=serverAuth\n",
    )  # fmt: skip
    keystore = directory / "server-keystore.pem"
    keystore.write_bytes(server_key.read_bytes() + server_cert.read_bytes())
    plain_key, client_cert = _issue(
        directory, "client", ca, ca_key, "extendedKeyUsage=clientAuth\n"
    )
    client_key = directory / "client-encrypted.key"
    _openssl(
        "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", str(plain_key), "-out", str(client_key),
        "-passout", f"pass:{client_key_password}",
    )  # fmt: skip
    plain_key.unlink()
    return TlsFiles(ca, keystore, client_cert, client_key, client_key_password)


def _issue(
    directory: Path, name: str, ca: Path, ca_key: Path, extensions: str
) -> tuple[Path, Path]:
    key, csr, cert = (directory / f"{name}{ext}" for ext in (".key", ".csr", ".pem"))
    ext_file = directory / f"{name}.ext"
    ext_file.write_text(extensions, encoding="utf-8")
    _openssl(
        "req", *_EC, "-nodes", "-subj", f"/CN=redflag test {name}",
        "-keyout", str(key), "-out", str(csr),
    )  # fmt: skip
    _openssl(
        "x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key),
        "-CAcreateserial", "-days", "2", "-extfile", str(ext_file), "-out", str(cert),
    )  # fmt: skip
    return key, cert


def _openssl(*args: str) -> None:
    done = subprocess.run(["openssl", *args], capture_output=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"openssl {args[0]} failed: {done.stderr.decode(errors='replace')}")
