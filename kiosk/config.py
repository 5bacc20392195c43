"""Settings: one validated object from defaults, a TOML file and KIOSK_* environment variables.

Precedence, lowest first: built-in defaults, the TOML file (``KIOSK_CONFIG`` if set, else
``/etc/kiosk/kiosk.toml`` if it exists), environment variables ``KIOSK_<SECTION>__<KEY>``.

pydantic validates everything. The environment is read the way pydantic-settings reads it (prefix
``KIOSK_``, ``__`` between section and key, any case, lists as JSON); the plain
``KIOSK_<SECTION>__<KEY>`` form is read here, and anything else is left to pydantic-settings itself,
imported only then: importing it would cost the kiosk's start more than reading the file.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

SYSTEM_CONFIG = Path("/etc/kiosk/kiosk.toml")
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

#: The twelve UI languages, in the order the language picker shows them by default.
DEFAULT_LANGUAGES = ["de", "en", "uk", "ar", "fa", "ru", "tr", "ku", "ro", "bg", "pl", "fr"]


class ConfigError(Exception):
    """A configuration problem, worded for the admin: which file, which key, what is wrong."""


def service_url(value: str | None, example: str) -> str | None:
    """A server's base URL: TLS is never optional, except for a server on this very machine."""
    if value is None or value == "":
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError(f"must be an https:// URL such as {example}")
    if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        raise ValueError("must use https:// (plain http is allowed only for 127.0.0.1)")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ValueError("must not contain a user name, password, query or fragment")
    return value.rstrip("/")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ApiSettings(_Section):
    base_url: str | None = None
    region: str = Field(default="dortmund", pattern=r"^[a-z0-9][a-z0-9_-]*$")
    refresh_minutes: int = Field(default=15, ge=1, le=24 * 60)
    timeout_s: float = Field(default=20, gt=0, le=300)
    max_response_mb: int = Field(default=20, ge=1, le=1024)

    @field_validator("base_url")
    @classmethod
    def _https_only(cls, value: str | None) -> str | None:
        return service_url(value, "https://cms.integreat-app.de")


class DisplaySettings(_Section):
    languages: list[str] = Field(default_factory=lambda: list(DEFAULT_LANGUAGES), min_length=1)
    default_language: str = Field(default="de", validate_default=True)
    idle_timeout_s: int = Field(default=90, ge=10, le=24 * 3600)
    #: How long "Are you still there?" counts down before starting over. WCAG 2.2.1 asks for at
    #: least 20 seconds to answer with one simple action.
    idle_countdown_s: int = Field(default=20, ge=20, le=300)
    theme: Literal["contrast-dark", "contrast-light"] = "contrast-dark"
    #: Which place in the content is "our office" (its hours on the welcome screen); None: the
    #: first place with opening hours.
    office_place_id: int | None = None

    @field_validator("languages")
    @classmethod
    def _known_languages(cls, value: list[str]) -> list[str]:
        seen: set[str] = set()
        for code in value:
            try:
                Locale.parse(code)
            except (ValueError, UnknownLocaleError):
                raise ValueError(f"unknown language code {code!r}") from None
            if code in seen:
                raise ValueError(f"language {code!r} is listed twice")
            seen.add(code)
        return value

    @field_validator("default_language")
    @classmethod
    def _default_is_offered(cls, value: str, info: ValidationInfo) -> str:
        languages = info.data.get("languages")
        if languages is not None and value not in languages:
            raise ValueError(f"{value!r} is not in languages")
        return value


class LinkSettings(_Section):
    allowed_hosts: list[str] = Field(
        default_factory=lambda: ["integreat.app", "dortmund.de", "diakoniedortmund.de"]
    )


class StaffSettings(_Section):
    pin_hash: str | None = None


class SlotSettings(_Section):
    """Where free appointment slots come from (a ZMS citizen API); without ``base_url`` none are shown."""

    base_url: str | None = None
    office_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    service_ids: list[int] = Field(default_factory=list, max_length=9)
    days_ahead: int = Field(default=14, ge=1, le=180)
    cache_s: int = Field(default=300, ge=0, le=24 * 3600)
    timeout_s: float = Field(default=10, gt=0, le=120)
    #: The booking page for a service, with ``{service_id}`` and ``{office_id}`` filled in; None: the
    #: office's own ``appointment_url`` from the content.
    booking_url: str | None = None

    @field_validator("base_url")
    @classmethod
    def _https_only(cls, value: str | None) -> str | None:
        return service_url(value, "https://termine.example.de/api/citizen")

    @field_validator("service_ids")
    @classmethod
    def _service_ids(cls, value: list[int]) -> list[int]:
        if any(not 1 <= service <= 2**31 - 1 for service in value):
            raise ValueError("service ids are positive whole numbers")
        if len(set(value)) != len(value):
            raise ValueError("a service is listed twice")
        return value

    @field_validator("booking_url")
    @classmethod
    def _booking_template(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        try:
            filled = value.format(service_id=1, office_id=1)
        except (KeyError, IndexError, ValueError):
            raise ValueError("may contain only {service_id} and {office_id} as placeholders") from None
        if not filled.startswith("https://"):
            raise ValueError("must be an https:// URL")
        return value

    @model_validator(mode="after")
    def _complete(self) -> SlotSettings:
        if self.base_url is not None and (self.office_id is None or not self.service_ids):
            raise ValueError("with base_url, office_id and service_ids are needed too")
        return self

    @property
    def enabled(self) -> bool:
        """True when the kiosk should ask for free slots at all."""
        return self.base_url is not None and self.office_id is not None and bool(self.service_ids)


_HOST_NAME = (
    r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)


class PrinterSettings(_Section):
    """A receipt printer for take-home slips (ESC/POS); without ``connection`` no print button is shown."""

    connection: Literal["usb", "network", "file"] | None = None
    host: str = Field(default="", pattern=_HOST_NAME + "|^$")
    port: int = Field(default=9100, ge=1, le=65535)
    device: Path | None = None
    usb_vendor_id: int | None = Field(default=None, ge=1, le=0xFFFF)
    usb_product_id: int | None = Field(default=None, ge=1, le=0xFFFF)
    #: A python-escpos capability profile (``kiosk doctor`` says whether it is known).
    profile: str = Field(default="default", pattern=r"^[A-Za-z0-9_.-]{1,40}$")
    #: 384 dots for 58 mm paper, 576 for 80 mm.
    width_dots: Literal[384, 576] = 576
    timeout_s: float = Field(default=5, gt=0, le=30)

    @model_validator(mode="after")
    def _complete(self) -> PrinterSettings:
        if self.connection == "network" and not self.host:
            raise ValueError('connection = "network" needs host (and port, default 9100)')
        if self.connection == "file" and self.device is None:
            raise ValueError('connection = "file" needs device, such as "/dev/usb/lp0"')
        if self.connection == "usb" and (self.usb_vendor_id is None or self.usb_product_id is None):
            raise ValueError('connection = "usb" needs usb_vendor_id and usb_product_id (see lsusb)')
        return self

    @property
    def enabled(self) -> bool:
        """True when a printer is configured, so the kiosk offers to print."""
        return self.connection is not None


#: Keys the visitor already uses; the speech key must be another one.
VISITOR_KEYS = frozenset(
    {*"0123456789", "escape", "backspace", "enter", "tab", "space", "up", "down", "left", "right", "home"}
    | {"end", "pageup", "pagedown", "f2", "f3", "slash", "plus", "minus", "c", "t", "w", "a", "b", "p"}
    | {"ctrl+f12", "ctrl+q", "ctrl+c"}
)


class SpeechSettings(_Section):
    """Reading aloud with espeak-ng: the key that starts it, the volume step, the audio output."""

    enabled: bool = True
    #: A key a visitor finds by touch: F1 sits right of Esc, the top-left corner key.
    key: str = "f1"
    #: 1 (quietest) to 5 (loudest), about 3.5 dB apart; the visitor's +/- keys start from here.
    volume: int = Field(default=4, ge=1, le=5)
    #: Words per minute (espeak-ng's own default, 175, is fast for a visitor still learning the language).
    rate: int = Field(default=150, ge=80, le=300)
    #: A command that plays raw 16-bit mono audio from its standard input, ``{rate}`` the sample rate;
    #: empty: the system's default output (PipeWire, PulseAudio or ALSA, whichever runs).
    player: str = ""

    @field_validator("key")
    @classmethod
    def _free_key(cls, value: str) -> str:
        key = value.strip().lower()
        if not re.fullmatch(r"(?:(?:ctrl|shift|alt)\+)*[a-z0-9_]+", key):
            raise ValueError("must be a key name such as f1, f4 or ctrl+r")
        if key in VISITOR_KEYS:
            raise ValueError(f"{key} is already used for something else on the kiosk")
        return key


def _xdg(env_name: str, fallback: str) -> Path:
    base = os.environ.get(env_name) or str(Path.home() / fallback)
    return Path(base) / "kiosk"


def _systemd_dir(env_name: str) -> Path | None:
    # systemd sets e.g. STATE_DIRECTORY=/var/lib/kiosk (colon-separated when several are configured).
    value = os.environ.get(env_name)
    return Path(value.split(":")[0]) if value else None


class PathSettings(_Section):
    state_dir: Path = Field(
        default_factory=lambda: _systemd_dir("STATE_DIRECTORY") or _xdg("XDG_STATE_HOME", ".local/state")
    )
    cache_dir: Path = Field(
        default_factory=lambda: _systemd_dir("CACHE_DIRECTORY") or _xdg("XDG_CACHE_HOME", ".cache")
    )
    #: None: the catalogs shipped with the kiosk.
    translations_dir: Path | None = None


class Settings(BaseModel):
    """Everything the kiosk can be told; read once at start by :func:`load_settings`.

    As with pydantic-settings' ``BaseSettings``, the ``KIOSK_*`` environment variables win over the
    values given (:func:`environment_variables`).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    api: ApiSettings = Field(default_factory=ApiSettings)
    display: DisplaySettings = Field(default_factory=DisplaySettings)
    links: LinkSettings = Field(default_factory=LinkSettings)
    staff: StaffSettings = Field(default_factory=StaffSettings)
    paths: PathSettings = Field(default_factory=PathSettings)
    slots: SlotSettings = Field(default_factory=SlotSettings)
    printer: PrinterSettings = Field(default_factory=PrinterSettings)
    speech: SpeechSettings = Field(default_factory=SpeechSettings)

    @model_validator(mode="before")
    @classmethod
    def _environment_wins(cls, values: Any) -> Any:
        return _deep_update(values, environment_variables()) if isinstance(values, dict) else values


class UnreadableVariable(Exception):
    """A ``KIOSK_*`` variable cannot even be read (a list or table that is not JSON)."""


ENV_PREFIX = "KIOSK_"
ENV_DELIMITER = "__"
_PLAIN = (str, int, float, bool, Path, type(None))


def config_path(environ: Mapping[str, str] | None = None) -> Path | None:
    """The TOML file to read: ``KIOSK_CONFIG`` if set, else the system file if it exists."""
    environ = os.environ if environ is None else environ
    if environ.get("KIOSK_CONFIG"):
        return Path(environ["KIOSK_CONFIG"])
    return SYSTEM_CONFIG if SYSTEM_CONFIG.exists() else None


def read_toml(path: Path) -> dict[str, Any]:
    """The file's content, or a :class:`ConfigError` that names the file and what is wrong."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except (PermissionError, IsADirectoryError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the file ({exc.__class__.__name__})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read and validate the settings; raise :class:`ConfigError` with one clear line on any problem."""
    environ = os.environ if environ is None else environ
    path = config_path(environ)
    data = read_toml(path) if path else {}
    try:
        return Settings(**data)
    except ValidationError as exc:
        raise ConfigError(_explain(exc, path, data, environ)) from None
    except UnreadableVariable:
        raise ConfigError(_unreadable_variable(environ)) from None


def environment_variables() -> dict[str, Any]:
    """The settings the ``KIOSK_*`` environment variables give; :class:`UnreadableVariable` if one
    cannot be read."""
    variables = plain_variables(os.environ)
    return _variables_by_pydantic_settings() if variables is None else variables


def plain_variables(environ: Mapping[str, str]) -> dict[str, dict[str, Any]] | None:
    """The settings ``KIOSK_<SECTION>__<KEY>`` variables give, as pydantic-settings reads them: the
    name in any case, a value as it is, or as JSON where the key holds a list.

    None when a variable has another form (a section as JSON, an unknown section or key, a name
    given twice in different case, a list that is not JSON): pydantic-settings reads those.
    """
    found: dict[str, dict[str, Any]] = {}
    seen: set[str] = set()
    for name, value in environ.items():
        lowered = name.lower()
        if not lowered.startswith(ENV_PREFIX.lower()) or lowered == "kiosk_config":
            continue
        if lowered in seen:
            return None
        seen.add(lowered)
        section, delimiter, key = lowered[len(ENV_PREFIX) :].partition(ENV_DELIMITER)
        section_field = Settings.model_fields.get(section)
        model = section_field.annotation if section_field is not None else None
        if not delimiter or not isinstance(model, type) or not issubclass(model, BaseModel):
            return None
        field = model.model_fields.get(key)
        if field is None:
            return None
        if _json_valued(field.annotation):
            try:
                found.setdefault(section, {})[key] = json.loads(value)
            except ValueError:
                return None
        elif _plain_valued(field.annotation):
            found.setdefault(section, {})[key] = value
        else:
            return None
    return found


def _json_valued(annotation: Any) -> bool:
    """A list: its variable holds JSON."""
    return get_origin(annotation) is list


def _plain_valued(annotation: Any) -> bool:
    """Text, a number, a switch, a path or one of some words (or None): its variable holds the value
    as written."""
    members = get_args(annotation) if get_origin(annotation) in (Union, UnionType) else (annotation,)
    return all(member in _PLAIN or get_origin(member) is Literal for member in members)


def _variables_by_pydantic_settings() -> dict[str, Any]:
    """What pydantic-settings reads from the environment for :class:`Settings`."""
    from pydantic_settings import EnvSettingsSource, SettingsError

    source = EnvSettingsSource(
        Settings,  # type: ignore[arg-type]  # only its fields are asked for
        case_sensitive=False,
        env_prefix=ENV_PREFIX,
        env_nested_delimiter=ENV_DELIMITER,
    )
    try:
        return source()
    except SettingsError as error:
        raise UnreadableVariable(str(error)) from None


def _deep_update(low: Mapping[str, Any], high: Mapping[str, Any]) -> dict[str, Any]:
    """``low`` with ``high`` over it, tables merged key by key (the environment over the file)."""
    merged = dict(low)
    for key, value in high.items():
        below = merged.get(key)
        if isinstance(below, dict) and isinstance(value, dict):
            value = _deep_update(below, value)
        merged[key] = value
    return merged


def _unreadable_variable(environ: Mapping[str, str]) -> str:
    for name, value in sorted(environ.items()):
        if not name.upper().startswith("KIOSK_") or not value.lstrip().startswith(("[", "{")):
            continue
        try:
            json.loads(value)
        except ValueError:
            return (
                f"environment variable {name}: not valid JSON: {value[:60]!r} "
                '(a list is written ["de", "en"], with double quotes)'
            )
    return "environment variables KIOSK_*: a value cannot be read (lists and tables are written as JSON)"


def _variable(loc: list[str], environ: Mapping[str, str]) -> str | None:
    """The KIOSK_ variable set for ``loc`` (or for any key of its section), as the admin wrote it."""
    wanted = f"KIOSK_{'__'.join(loc)}".upper()
    found = [name for name in environ if name.upper() == wanted]
    if not found and len(loc) == 1:
        found = sorted(name for name in environ if name.upper().startswith(wanted + "__"))
    return ", ".join(found) or None


def _explain(
    exc: ValidationError, path: Path | None, data: Mapping[str, Any], environ: Mapping[str, str]
) -> str:
    error = exc.errors()[0]
    loc = [str(part) for part in error["loc"]]
    key = ".".join(loc) if loc else "(top level)"
    variable = _variable(loc, environ)
    in_file = _has_key(data, loc)
    if variable is not None:
        where = f"environment variable {variable}"
    elif (in_file and path) or (path is not None and loc and _has_key(data, loc[:1])):
        where = str(path)
    else:
        where = "settings (a built-in default)"
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown key"
    more = f" (and {len(exc.errors()) - 1} more problem(s))" if len(exc.errors()) > 1 else ""
    field = f" {'.'.join(loc[1:])}" if len(loc) > 1 else ""
    section = f"[{loc[0]}]" if loc else key
    return f"{where}: {section}{field}: {message}{more}"


def _has_key(data: Mapping[str, Any], loc: list[str]) -> bool:
    node: Any = data
    for part in loc:
        if not isinstance(node, Mapping) or part not in node:
            return False
        node = node[part]
    return True
