#!/usr/bin/python3
"""Generates the weights test data in this folder (run from anywhere: /usr/bin/python3 make_weights_data.py).

Needs Debian's python3-numpy and python3-h5py. The tests only read the files it writes; they never run it.
- mean.binaryproto: a BlobProto as Caffe's compute_image_mean writes it (legacy num/channels/height/width,
  packed float data), encoded by hand from the protobuf wire format (not by Caffe.Net).
- caffe_layout.caffemodel.h5: the layout of Caffe's Net::ToHDF5 (data/<layer>/<param index>, float32, and
  diff/...), written by h5py (libhdf5, as Caffe uses), for the ParamsTest net of WeightsIOTests.
- mixed_types.caffemodel.h5: the same weights stored as float64 and int32 datasets (Caffe converts both).
"""
import os
import struct

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def varint(value):
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def key(field, wire_type):
    return varint((field << 3) | wire_type)


def mean_values():
    return np.arange(60, dtype=np.float32) * np.float32(0.25) - np.float32(7)


def write_mean():
    values = mean_values()
    payload = values.astype('<f4').tobytes()
    message = (key(1, 0) + varint(1) + key(2, 0) + varint(3) + key(3, 0) + varint(4) + key(4, 0) + varint(5)
               + key(5, 2) + varint(len(payload)) + payload)
    with open(os.path.join(HERE, 'mean.binaryproto'), 'wb') as f:
        f.write(message)


def weights():
    ip1_w = (np.arange(12, dtype=np.float64) * 0.1 - 0.5).reshape(4, 3)
    ip1_b = np.array([1, -2, 3, -4], dtype=np.float64)
    ip2_w = (np.arange(8, dtype=np.float64) * -0.3 + 1.1).reshape(2, 4)
    ip2_b = np.array([0.5, -0.25], dtype=np.float64)
    return ip1_w, ip1_b, ip2_w, ip2_b


def write_caffe_layout():
    ip1_w, ip1_b, ip2_w, ip2_b = weights()
    with h5py.File(os.path.join(HERE, 'caffe_layout.caffemodel.h5'), 'w') as f:
        data = f.create_group('data')
        data.create_group('data')  # the Input layer: a group without datasets
        data['ip1/0'] = ip1_w.astype(np.float32)
        data['ip1/1'] = ip1_b.astype(np.float32)
        data['ip2/0'] = ip2_w.astype(np.float32)
        data['ip2/1'] = ip2_b.astype(np.float32)
        data['gone/0'] = np.ones((7, 7), np.float32)  # a layer the net does not have: ignored
        diff = f.create_group('diff')
        diff['ip1/0'] = np.full((4, 3), 0.5, np.float32)
        diff['ip1/1'] = np.zeros(4, np.float32)


def write_mixed_types():
    ip1_w, ip1_b, ip2_w, ip2_b = weights()
    with h5py.File(os.path.join(HERE, 'mixed_types.caffemodel.h5'), 'w') as f:
        f['data/ip1/0'] = ip1_w  # float64
        f['data/ip1/1'] = ip1_b.astype(np.int32)
        f['data/ip2/0'] = ip2_w.astype(np.float32)
        f['data/ip2/1'] = ip2_b  # float64


if __name__ == '__main__':
    write_mean()
    write_caffe_layout()
    write_mixed_types()
