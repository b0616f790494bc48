"""The exceptions boilerstrip raises, each with the message the CLI prints."""


class BoilerstripError(Exception):
    """Base class of every error boilerstrip raises."""


class RuleError(BoilerstripError, ValueError):
    """A rule file is malformed or a rule is invalid; the message starts with `file:line:col`."""


class ConfigError(BoilerstripError, ValueError):
    """A setting names something that does not exist or does not fit (e.g. `disable=["nope"]`)."""


class CountTableError(BoilerstripError, ValueError):
    """A count table is truncated, corrupted or of another version."""


class LimitError(BoilerstripError, ValueError):
    """A configured limit was exceeded."""


class InputError(BoilerstripError, ValueError):
    """A record of an input cannot be processed."""


class BoilerstripOSError(BoilerstripError, OSError):
    """Reading a rule file or count table failed; `errno` is set when the system gave one."""


__all__ = [
    "BoilerstripError",
    "BoilerstripOSError",
    "ConfigError",
    "CountTableError",
    "InputError",
    "LimitError",
    "RuleError",
]
