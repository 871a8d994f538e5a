"""The tests run stacks through the same mocked runner as `ladder plan`."""
from ladder.mocked import Registered, StackRun, run_stack, stack_config  # noqa: F401
