"""The thin reader of configs/moves.py: the stack's own outputs from its last `pulumi up`.

`pulumi:pulumi:readStackOutputs` is the engine's built-in invoke behind every StackReference (the
Node.js SDK calls it for `getOutputValue`). Called through `pulumi.runtime.invoke` it answers
synchronously, so the move is checked before the first resource is registered, and it leaves no
resource in the state (a StackReference would, and only hands its outputs over as Outputs).
A stack may read itself: the engine returns its last completed checkpoint, empty before the first.
"""
from __future__ import annotations

from typing import Any

import pulumi

from configs.moves import LadderState, from_outputs

READ_STACK_OUTPUTS = "pulumi:pulumi:readStackOutputs"
# What pulumi.get_organization() says on the local (file) backend, and its stacks' qualified names.
LOCAL_ORGANIZATION = "organization"


def this_stack() -> str:
    """The fully qualified name of the running stack: org/project/stack on every backend."""
    organization = pulumi.get_organization() or LOCAL_ORGANIZATION
    return f"{organization}/{pulumi.get_project()}/{pulumi.get_stack()}"


def last_outputs() -> dict[str, Any]:
    result = pulumi.runtime.invoke(READ_STACK_OUTPUTS, {"name": this_stack()})
    return dict((result.value or {}).get("outputs") or {})


def previous_state() -> LadderState | None:
    """None on the stack's first deployment."""
    return from_outputs(last_outputs())
