from promiseaudit.cli import main

main()
