"""passread_synth: deterministic synthetic passport photographs and camera sequences.

Entry points for reuse (e.g. by a training script):

* :func:`passread_synth.mrz.make_mrz` -- build MRZ lines from fields.
* :func:`passread_synth.render.render_document` -- a flat document page (RGBA numpy array) + truth.
* :func:`passread_synth.render.render_sample` -- a full photographed scene + truth record.
"""
__version__ = "1.0.0"
