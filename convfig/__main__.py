"""`python -m convfig` runs the same CLI as the `convfig` command."""

from convfig.cli import main

raise SystemExit(main())
