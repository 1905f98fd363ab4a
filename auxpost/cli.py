"""The `auxpost` console entry point (SPEC §12): wraps Django's management commands.

Exit codes: 0 on success, 1 on a user error (CommandError) with its message, never a traceback.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "auxpost.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    execute_from_command_line(["auxpost", *args])


if __name__ == "__main__":
    main()
