"""The procedural performer: espeak-ng speech and rule-based MetaHuman rigs."""
