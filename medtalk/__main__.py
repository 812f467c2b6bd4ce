from medtalk.cli import main

raise SystemExit(main())
