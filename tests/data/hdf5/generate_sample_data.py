#!/usr/bin/python3
"""Writes the HDF5 files of the HDF5Data layer tests with h5py (Debian's python3-h5py).

The same data as BVLC Caffe's src/caffe/test/test_data/generate_sample_data.py: 10 rows of
8x6x5 float32 values 0..2399 in C order, labels 1..10 (1-indexed so that a label copied into data
would show), label2 = label + 1; a second file whose data is offset by 2400 and whose datasets are
gzip-compressed; plus files for the error cases of our own tests. Run from any folder; writes next
to this script. The list files name the .h5 files relative to this folder: the tests rewrite them
with absolute paths.
"""
import os

import h5py
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))

num_cols, num_rows, height, width = 8, 10, 6, 5
total_size = num_cols * num_rows * height * width

data = np.arange(total_size).reshape(num_rows, num_cols, height, width).astype('float32')
label = (1 + np.arange(num_rows)[:, np.newaxis]).astype('float32')
label2 = label + 1

with h5py.File(os.path.join(here, 'sample_data.h5'), 'w') as f:
    f['data'] = data
    f['label'] = label
    f['label2'] = label2

with h5py.File(os.path.join(here, 'sample_data_2_gzip.h5'), 'w') as f:
    f.create_dataset('data', data=data + total_size, compression='gzip', compression_opts=1)
    f.create_dataset('label', data=label, compression='gzip', compression_opts=1)
    f.create_dataset('label2', data=label2, compression='gzip', compression_opts=1)

# Integer and double datasets read as float32, as Caffe's H5LTread_dataset_float converts them.
with h5py.File(os.path.join(here, 'sample_data_types.h5'), 'w') as f:
    f['data'] = np.arange(4 * 3, dtype='uint8').reshape(4, 3)
    f['label'] = np.arange(4, dtype='float64')

# Error cases: rows that disagree between datasets, and rows of another shape than sample_data.h5's.
with h5py.File(os.path.join(here, 'bad_row_count.h5'), 'w') as f:
    f['data'] = data
    f['label'] = label[:7]
    f['label2'] = label2

with h5py.File(os.path.join(here, 'bad_row_shape.h5'), 'w') as f:
    f['data'] = np.zeros((num_rows, num_cols, height, width + 1), dtype='float32')
    f['label'] = label
    f['label2'] = label2

