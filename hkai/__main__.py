import sys

from .cli import main

if __name__ == "__main__":  # not when a worker process (the charts' drawing) imports the main module
    sys.exit(main())
