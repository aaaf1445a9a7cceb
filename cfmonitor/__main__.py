"""Allow `python -m cfmonitor`."""

from cfmonitor.cli import main

if __name__ == "__main__":
    main()
