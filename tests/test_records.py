"""kpispec.records against dataclasses: the same class bodies, the same behaviour.

Each case is written once as a class body (a function that makes the class), then built with
`dataclasses.dataclass` and with `kpispec.records.record` under the same options, and every
behaviour kpispec relies on is compared: construction, defaults and factories, repr, equality,
hashing, immutability, slots, `replace`, `fields`, errors.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from kpispec import records


def point(dc, field):
    @dc
    class Point:
        """A point."""

        x: int
        y: int = 0
        tags: list = field(default_factory=list)
        note: str = field(default="", compare=False, repr=False)

    return Point


def cached(dc, field):
    @dc
    class Cached:
        """A value with a cache that neither compares nor hashes."""

        value: int
        cache: dict = field(default_factory=dict, compare=False, hash=False)
        label: str = field(default="v", hash=False)  # compared, not hashed

    return cached_class(Cached)


def cached_class(cls):
    return cls


def empty(dc, field):
    @dc
    class Empty:
        """Nothing."""

    return Empty


def own_repr(dc, field):
    @dc
    class Own:
        """Keeps its own repr."""

        a: int

        def __repr__(self):
            return f"<{self.a}>"

    return Own


class Base:
    __slots__ = ()

    @property
    def double(self):
        return 2 * self.x


def spanned(dc, field):
    @dc
    class Spanned(Base):
        """With a slotted base that has a property."""

        x: int
        y: int | None = None

    return Spanned


def own_eq(dc, field):
    @dc
    class OwnEq:
        """Writes its own __eq__ (so Python sets __hash__ to None in the body): frozen still hashes."""

        a: int

        def __eq__(self, other):
            return isinstance(other, OwnEq) and self.a % 10 == other.a % 10

    return OwnEq


def own_hash(dc, field):
    @dc
    class OwnHash:
        """Writes its own __hash__, which is kept."""

        a: int

        def __hash__(self):
            return 12345

    return OwnHash


def own_both(dc, field):
    @dc
    class OwnBoth:
        """Writes its own __eq__ and __hash__: both kept."""

        a: int

        def __eq__(self, other):
            return isinstance(other, OwnBoth)

        def __hash__(self):
            return 7

    return OwnBoth


def child(dc, field):
    @dc
    class Parent:
        """The base record."""

        a: int
        b: int = 2

    @dc
    class Child(Parent):
        """Its fields come after the parent's."""

        c: int = 3

    return Child


OPTIONS = [dict(), dict(frozen=True), dict(slots=True), dict(frozen=True, slots=True)]
BODIES = [point, cached, empty, own_repr, spanned, own_eq, own_hash, own_both, child]


def both(body, options):
    made_dc = body(dataclasses.dataclass(**options), dataclasses.field)
    made_rec = body(records.record(**options), records.field)
    return made_dc, made_rec


ARGS = {
    "Point": [((1,), {}), ((1, 2), {}), ((), {"x": 3, "y": 4, "tags": [1]}), ((5, 6, [2], "n"), {})],
    "Cached": [((1,), {}), ((2, {"k": 1}), {}), ((2, {}, "w"), {})],
    "Empty": [((), {})],
    "Own": [((7,), {})],
    "Spanned": [((1,), {}), ((1, 2), {})],
    "OwnEq": [((1,), {}), ((11,), {})],
    "OwnHash": [((1,), {})],
    "OwnBoth": [((1,), {})],
    "Child": [((1,), {}), ((1, 5, 6), {}), ((), {"a": 1, "c": 0})],
}


def outcome(call):
    try:
        return ("ok", call())
    except Exception as exc:  # noqa: BLE001 - the kind of failure is compared
        return ("raised", type(exc).__name__ if not isinstance(exc, AttributeError) else "AttributeError")


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(o) or "plain")
@pytest.mark.parametrize("body", BODIES, ids=lambda b: b.__name__)
def test_records_behave_as_dataclasses(body, options):
    D, R = both(body, options)
    assert R.__name__ == D.__name__ and R.__qualname__ == D.__qualname__ and R.__doc__ == D.__doc__
    assert [f.name for f in records.fields(R)] == [f.name for f in dataclasses.fields(D)]
    assert R.__match_args__ == D.__match_args__
    if "__slots__" not in D.__dict__:  # a default stays a class attribute; a field's factory does not
        for f in dataclasses.fields(D):
            assert outcome(lambda: getattr(R, f.name)) == outcome(lambda: getattr(D, f.name))
    assert ("__slots__" in R.__dict__) == ("__slots__" in D.__dict__)
    if "__slots__" in D.__dict__:
        assert tuple(R.__slots__) == tuple(D.__slots__)
    for args, kwargs in ARGS[D.__name__]:
        d, r = D(*args, **kwargs), R(*args, **kwargs)
        d2, r2 = D(*args, **kwargs), R(*args, **kwargs)
        assert repr(r) == repr(d)
        assert (r == r2) == (d == d2) and (r != r2) == (d != d2)
        assert (r == d) is False  # another class is never equal
        assert outcome(lambda: hash(r) == hash(r2)) == outcome(lambda: hash(d) == hash(d2))
        assert outcome(lambda: hash(r)) == outcome(lambda: hash(d))
        for f in dataclasses.fields(D):
            assert getattr(r, f.name) == getattr(d, f.name)
            assert outcome(lambda: setattr(r, f.name, 9)) == outcome(lambda: setattr(d, f.name, 9))
            assert outcome(lambda: delattr(r2, f.name)) == outcome(lambda: delattr(d2, f.name))
        # A name that is not a field: refused alike (by slots, or by frozen). Python 3.11's frozen
        # slotted dataclasses raise TypeError here (their __setattr__ names the class before
        # slots remade it); a record raises FrozenInstanceError, as a frozen class should.
        assert outcome(lambda: setattr(r, "other", 1))[0] == outcome(lambda: setattr(d, "other", 1))[0]
        assert hasattr(r, "__dict__") == hasattr(d, "__dict__")
        if dataclasses.fields(D):
            first = dataclasses.fields(D)[0].name
            assert repr(records.replace(r, **{first: 11})) == repr(dataclasses.replace(d, **{first: 11}))
        assert outcome(lambda: records.replace(r, nonexistent=1)) == outcome(lambda: dataclasses.replace(d, nonexistent=1))
    assert outcome(lambda: R(1, 2, 3, 4, 5, 6)) == outcome(lambda: D(1, 2, 3, 4, 5, 6))
    assert outcome(lambda: R(bogus=1)) == outcome(lambda: D(bogus=1))


def test_values_that_differ_compare_and_hash_as_dataclasses_do():
    D, R = both(point, dict(frozen=True))
    pairs = [((1, 2, ()), (1, 2, ())), ((1, 2, ()), (1, 3, ())), ((1, 2, (), "a"), (1, 2, (), "b"))]  # `note` is not compared
    for a, b in pairs:
        assert (R(*a) == R(*b)) == (D(*a) == D(*b))
        assert hash(R(*a)) == hash(D(*a))
    D2, R2 = both(cached, dict(frozen=True))
    assert R2(1, {"a": 1}) == R2(1, {}) and hash(R2(1, {"a": 1})) == hash(R2(1, {}))
    assert D2(1, {"a": 1}) == D2(1, {})


def test_each_instance_gets_its_own_default_from_a_factory():
    _, R = both(point, dict())
    a, b = R(1), R(1)
    a.tags.append("x")
    assert b.tags == [] and a.tags == ["x"]


def test_frozen_errors_are_attribute_errors_with_the_field_named():
    _, R = both(point, dict(frozen=True, slots=True))
    p = R(1)
    with pytest.raises(records.FrozenInstanceError, match="cannot assign to field 'x'"):
        p.x = 2
    assert issubclass(records.FrozenInstanceError, AttributeError)


def test_a_field_without_default_after_one_with_is_refused():
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):
        @records.record
        class Bad:
            """Refused."""

            a: int = 1
            b: int


def test_is_record_and_fields():
    _, R = both(point, dict(frozen=True, slots=True))
    assert records.is_record(R) and records.is_record(R(1)) and not records.is_record(object())
    with pytest.raises(TypeError):
        records.fields(object())


def test_records_copy_and_pickle_as_dataclasses_do():
    # Frozen slotted classes are restored without setattr (which they refuse); found by review.
    from kpispec.diagnostics import Span

    for options in OPTIONS:
        D, R = both(spanned, options)
        for made in (D(1, 2), R(1, 2)):
            for twin in (copy.copy(made), copy.deepcopy(made)):
                assert twin == made and twin is not made
    assert pickle.loads(pickle.dumps(Span(1, 2))) == Span(1, 2)
    assert copy.deepcopy(Span(3, 4)) == Span(3, 4)
