# --- shared by every medtalk script: find the data file, read its columns ---
import csv
import os


def find_data(file_name, export_dir):
    """The data file next to this script, else in the folder it was exported to."""
    folders = []
    here = globals().get("__file__")
    if here:
        folders.append(os.path.dirname(os.path.abspath(here)))
    folders.append(export_dir)
    for folder in folders:
        path = os.path.join(folder, file_name)
        if os.path.isfile(path):
            return path
    raise RuntimeError("medtalk: cannot find %s next to this script or in %s" % (file_name, export_dir))


def read_columns(path, names):
    """Columns ``names`` of a CSV file with a header row, as lists of floats."""
    with open(path, newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        missing = [n for n in names if n not in header]
        if missing:
            raise RuntimeError("medtalk: %s has no column %s" % (path, missing[0]))
        positions = [header.index(n) for n in names]
        columns = [[] for _ in names]
        for row in reader:
            if not row:
                continue
            for column, position in zip(columns, positions):
                column.append(float(row[position]))
    return dict(zip(names, columns))
