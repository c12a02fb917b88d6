"""`python -m ivfp_bt` is the same as the `ivfp-bt` command."""

from ivfp_bt.cli.main import main

raise SystemExit(main())
