from medtalk.cli import command

command()
