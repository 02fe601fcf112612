from rarebone.cli import main

main()
