"""Removes cancelled orders from the day's raw file."""
import argparse

parser = argparse.ArgumentParser()
parser.add_argument("--day", required=True)
args = parser.parse_args()

print(f"cleaning orders of {args.day}")
