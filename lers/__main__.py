from lers.cli import main

main()
