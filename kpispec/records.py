"""Records: the part of `dataclasses` kpispec uses, at a fraction of its start-up cost.

pre-commit starts `kpispec check` cold on every commit, and the check path defines about fifty
record classes (AST nodes, the resolved plan, diagnostics, intervals). `dataclasses` costs a
cold start twice: importing it imports `inspect` (with `ast`, `dis` and `tokenize`), and each
class runs a dozen small code generations and, for `slots=True`, builds the class a second time:
together about a third of a cold check (docs/performance.md). `record` builds the same methods
from one generated source per class.

What it provides, with the dataclass semantics kpispec relies on:
- `__init__` taking the fields in order, positionally or by name, with `default` and
  `default_factory` (called for each instance);
- `__repr__` (`Name(text='a', start=3)`), `__eq__` comparing the fields of two instances of the
  same class (fields with `compare=False` left out), `__match_args__`;
- `frozen=True`: assignment and deletion raise FrozenInstanceError, and `__hash__` hashes the
  compared fields (a field with `hash=False` left out); otherwise instances are unhashable;
- `slots=True`: the class is made with `__slots__` of its fields (no `__dict__`);
- `fields`, `replace` and `is_record`, like their dataclasses namesakes; frozen slotted records
  copy and pickle, as frozen slotted dataclasses do.
A method the class defines itself (`__repr__`, `__eq__`, `__hash__`) is kept, as dataclasses keeps it.
tests/test_records.py holds all of this to `dataclasses` on the same class bodies.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FrozenInstanceError", "MISSING", "Field", "field", "fields", "is_record", "record", "replace"]


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class FrozenInstanceError(AttributeError):
    """An assignment to a field of a frozen record."""


class Field:
    """One field of a record: its name, default (or factory), and whether it is compared, hashed, shown."""

    __slots__ = ("name", "default", "default_factory", "compare", "hash", "repr")

    def __init__(self, default=MISSING, default_factory=MISSING, compare=True, hash=None, repr=True):
        if default is not MISSING and default_factory is not MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.compare = compare
        self.hash = hash
        self.repr = repr

    def __repr__(self) -> str:
        return f"Field(name={self.name!r}, default={self.default!r}, default_factory={self.default_factory!r})"


def field(*, default=MISSING, default_factory=MISSING, compare: bool = True, hash: bool | None = None,
          repr: bool = True) -> Any:
    """A field with options, as `dataclasses.field` (the subset kpispec uses)."""
    return Field(default, default_factory, compare, hash, repr)


def fields(record_or_class) -> tuple[Field, ...]:
    """The fields of a record class or instance, in order."""
    try:
        return record_or_class.__record_fields__
    except AttributeError:
        raise TypeError("must be called with a record class or instance") from None


def is_record(obj) -> bool:
    """Whether obj is a record class or an instance of one."""
    return hasattr(obj if isinstance(obj, type) else type(obj), "__record_fields__")


def replace(obj, /, **changes):
    """A copy of a record with some fields changed."""
    for name in changes:
        if name not in obj.__record_names__:
            raise TypeError(f"{type(obj).__name__}.__init__() got an unexpected keyword argument {name!r}")
    return obj.__class__(**{f.name: changes[f.name] if f.name in changes else getattr(obj, f.name)
                            for f in obj.__record_fields__})


def _getstate(self):
    return [getattr(self, f.name) for f in self.__record_fields__]


def _setstate(self, state):
    for f, value in zip(self.__record_fields__, state):
        object.__setattr__(self, f.name, value)


def record(cls=None, /, *, frozen: bool = False, slots: bool = False):
    """Make cls a record class (see the module's docstring); used as `@record` or `@record(frozen=True)`."""
    def wrap(cls):
        return _process(cls, frozen, slots)

    return wrap if cls is None else wrap(cls)


def _collect(cls) -> list[Field]:
    inherited: dict[str, Field] = {}
    for base in reversed(cls.__mro__):  # the class itself has none yet
        for f in base.__dict__.get("__record_fields__", ()):
            inherited[f.name] = f
    own: dict[str, Field] = {}
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        if isinstance(annotation, str) and annotation.startswith(("ClassVar", "typing.ClassVar")):
            continue  # pragma: no cover - not used in kpispec
        value = cls.__dict__.get(name, MISSING)
        f = value if isinstance(value, Field) else Field(default=value)
        f.name = name
        own[name] = f
    found = {**inherited, **own}
    seen_default = False
    for f in found.values():
        if f.default is not MISSING or f.default_factory is not MISSING:
            seen_default = True
        elif seen_default:
            raise TypeError(f"non-default argument {f.name!r} follows default argument")
    return list(found.values())


def _process(cls, frozen: bool, slots: bool):
    record_fields = _collect(cls)
    names = tuple(f.name for f in record_fields)
    if slots:
        body = dict(cls.__dict__)
        for name in names:
            body.pop(name, None)  # a default lives in __init__, not as a class attribute beside the slot
        body.pop("__dict__", None)
        body.pop("__weakref__", None)
        body["__slots__"] = tuple(f.name for f in record_fields if f.name in cls.__dict__.get("__annotations__", {}))
        qualname = getattr(cls, "__qualname__", None)
        cls = type(cls)(cls.__name__, cls.__bases__, body)
        if qualname is not None:
            cls.__qualname__ = qualname
    else:
        for f in record_fields:
            if isinstance(cls.__dict__.get(f.name), Field):
                if f.default is MISSING:
                    delattr(cls, f.name)
                else:
                    setattr(cls, f.name, f.default)

    env: dict[str, Any] = {"MISSING": MISSING, "FrozenInstanceError": FrozenInstanceError, "cls": cls,
                           "object_setattr": object.__setattr__, "names": frozenset(names)}
    params, lines = [], []
    for i, f in enumerate(record_fields):
        if f.default_factory is not MISSING:
            env[f"factory_{i}"] = f.default_factory
            params.append(f"{f.name}=MISSING")
            value = f"factory_{i}() if {f.name} is MISSING else {f.name}"
        else:
            if f.default is not MISSING:
                env[f"default_{i}"] = f.default
                params.append(f"{f.name}=default_{i}")
            else:
                params.append(f.name)
            value = f.name
        lines.append(f"    object_setattr(self, {f.name!r}, {value})" if frozen else f"    self.{f.name} = {value}")
    source = [f"def __init__(self, {', '.join(params)}):", *(lines or ["    pass"])]

    def tuple_of(items: list[str]) -> str:
        return f"({', '.join(items)},)" if items else "()"

    shown = [f for f in record_fields if f.repr]
    source.append("def __repr__(self):")
    shown_fields = ", ".join(f"{f.name}={{self.{f.name}!r}}" for f in shown)
    source.append("    return f'{self.__class__.__qualname__}(" + shown_fields + ")'")
    compared = [f.name for f in record_fields if f.compare]
    source += ["def __eq__(self, other):",
               "    if other.__class__ is self.__class__:",
               f"        return {tuple_of([f'self.{n}' for n in compared])} == {tuple_of([f'other.{n}' for n in compared])}",
               "    return NotImplemented"]
    hashed = [f"self.{f.name}" for f in record_fields if (f.compare if f.hash is None else f.hash)]
    source += ["def __hash__(self):", f"    return hash({tuple_of(hashed)})"]
    source += ["def __setattr__(self, name, value):",
               "    if type(self) is cls or name in names:",
               "        raise FrozenInstanceError(f'cannot assign to field {name!r}')",
               "    super(cls, self).__setattr__(name, value)",
               "def __delattr__(self, name):",
               "    if type(self) is cls or name in names:",
               "        raise FrozenInstanceError(f'cannot delete field {name!r}')",
               "    super(cls, self).__delattr__(name)"]
    exec("\n".join(source), env)  # noqa: S102 - the source is built above from the class's own field names

    # As dataclasses decides: a `__hash__` the class wrote is kept (Python sets it to None in a
    # class body that defines `__eq__`, which does not count as written).
    class_hash = cls.__dict__.get("__hash__", MISSING)
    explicit_hash = not (class_hash is MISSING or (class_hash is None and "__eq__" in cls.__dict__))

    def install(name: str) -> None:
        function = env[name]
        function.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, function)

    for name in ("__init__", "__repr__", "__eq__"):
        if name not in cls.__dict__:
            install(name)
    if frozen:
        for name in ("__setattr__", "__delattr__"):
            if name in cls.__dict__:
                raise TypeError(f"cannot overwrite attribute {name} in class {cls.__name__}")
            install(name)
    if frozen and slots:
        # copy and pickle restore a slotted object with setattr, which a frozen record refuses:
        # its state is the fields' values, set back with object.__setattr__ (as dataclasses does)
        if "__getstate__" not in cls.__dict__:
            cls.__getstate__ = _getstate
        if "__setstate__" not in cls.__dict__:
            cls.__setstate__ = _setstate
    if not explicit_hash:
        if frozen:
            install("__hash__")
        else:
            cls.__hash__ = None  # mutable and compared by value: unhashable, as dataclasses makes it
    cls.__record_fields__ = tuple(record_fields)
    cls.__record_names__ = frozenset(names)
    cls.__match_args__ = tuple(f.name for f in record_fields)
    return cls
