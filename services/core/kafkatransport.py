"""How the Kafka runner authenticates and encrypts: the `kafka.sasl` and `kafka.tls` sections.

Secrets come from the environment or from files (Docker and Kubernetes secrets), are held as
`SecretStr` and never appear in an error: a bad file is named, never quoted.
"""

import ssl
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from services.core.tlscontext import client_context


def _read_secret_file(path: Path, field: str) -> SecretStr:
    """A secret from a file (Docker/Kubernetes secrets), without its trailing newline."""
    try:
        return SecretStr(path.read_text(encoding="utf-8").rstrip("\r\n"))
    except OSError as exc:  # the message names the file, never its content
        raise ValueError(f"{field}: cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:  # its message would quote a byte of the secret
        raise ValueError(f"{field}: {path} is not UTF-8 text") from None


class KafkaSasl(BaseModel):
    """SASL credentials; the password comes from `password` (env) or `password_file`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "SCRAM-SHA-512"
    username: str = Field(min_length=1)
    password: SecretStr | None = Field(default=None, description="Never logged.")
    password_file: Path | None = Field(default=None, description="A file holding the password.")

    @model_validator(mode="after")
    def _one_password(self) -> "KafkaSasl":
        if (self.password is None) == (self.password_file is None):
            raise ValueError("set exactly one of password and password_file")
        if self.password_file is not None:
            secret = _read_secret_file(self.password_file, "password_file")
            object.__setattr__(self, "password", secret)  # frozen: set once, while validating
        return self


class KafkaTls(BaseModel):
    """TLS for SSL and SASL_SSL: the CA that signed the brokers, and a client certificate
    when the brokers require one (mutual TLS)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ca_file: Path | None = Field(default=None, description="PEM CA bundle; system CAs if unset.")
    cert_file: Path | None = None
    key_file: Path | None = None
    key_password: SecretStr | None = None
    key_password_file: Path | None = None
    check_hostname: bool = True

    @model_validator(mode="after")
    def _pairs(self) -> "KafkaTls":
        if (self.cert_file is None) != (self.key_file is None):
            raise ValueError("cert_file and key_file go together")
        if self.key_password is not None and self.key_password_file is not None:
            raise ValueError("set at most one of key_password and key_password_file")
        for name in ("ca_file", "cert_file", "key_file"):
            path = getattr(self, name)
            if path is not None and not path.is_file():
                raise ValueError(f"{name}: {path} is not a file")
        if self.key_password_file is not None:
            secret = _read_secret_file(self.key_password_file, "key_password_file")
            object.__setattr__(self, "key_password", secret)
        if self.ca_file is not None or self.cert_file is not None:
            self.context()  # a file that cannot serve fails here, naming its setting
        return self

    def context(self) -> ssl.SSLContext:
        """The client TLS context these files make (`services.core.tlscontext`)."""
        password = self.key_password.get_secret_value() if self.key_password else None
        return client_context(
            self.ca_file, self.cert_file, self.key_file, password, self.check_hostname
        )
