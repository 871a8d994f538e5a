"""The tests run stacks through the same mocked runner as `ladder plan`."""
from ladder.mocked import Registered, StackRun, run_stack, stack_config  # noqa: F401


def main_refusal(config: dict, previous: dict | None = None) -> str:
    """Runs __main__.py as `pulumi up` runs it (the stack's last outputs: `previous`) and returns the
    message of the pulumi.RunError it ends with; Pulumi prints that message without a traceback."""
    import asyncio
    import runpy

    import pulumi
    import pytest

    from ladder.mocked import PROJECT, Mocks
    from tests.stacks import ROOT

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        pulumi.runtime.settings.reset_options()
        pulumi.runtime.set_mocks(Mocks("eu-south-1", previous), project=PROJECT, stack="test", preview=True)
        pulumi.runtime.set_all_config(config, [])

        @pulumi.runtime.test
        def program():
            runpy.run_path(str(ROOT / "__main__.py"), run_name="__main__")

        with pytest.raises(pulumi.RunError) as caught:
            program()
    finally:
        loop.close()
        asyncio.set_event_loop(None)
    return str(caught.value)
