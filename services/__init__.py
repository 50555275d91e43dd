"""The use cases both doors (the Streamlit app and cli.py) call: one answer, any door.

No Streamlit and no argparse here. Pages keep layout and widgets; commands keep argument
handling and printing.
"""
