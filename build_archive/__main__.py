import sys

from build_archive.cli import main

sys.exit(main())
