"""`wenzhuan` (the console script) and `python -m wenzhuan`.

`wenzhuan script` in its common forms runs without loading click and the rest of the CLI (see
`wenzhuan.script_command`): it then starts about as fast as Python and the OpenCC binding do.
"""

import sys


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["script"]:
        from .script_command import fast_main

        status = fast_main(args[1:])
        if status is not None:
            sys.exit(status)
    from .cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
