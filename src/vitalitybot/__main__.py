from vitalitybot.cli import main

raise SystemExit(main())
