import pytest

from api.nested import NestedUnder


def test_a_nested_route_must_name_its_parent():
    with pytest.raises(TypeError, match="parent_model and parent_kwarg"):

        class Orphan(NestedUnder):
            parent_kwarg = "contract_pk"
