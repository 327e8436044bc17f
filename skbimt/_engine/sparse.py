"""Sparse input rows for training: scipy CSR on the host, torch CSR per batch.

A one-hot encoded table can have thousands of columns and a handful of
non-zeros per row; densifying it would multiply its memory by the number of
columns over the non-zeros per row. Training keeps it sparse where that
pays: the first layer's product ``X @ W`` and its gradient ``X.T @ delta``
run as sparse-dense products, and mini-batches are sliced from the scipy
CSR matrix (cheap row indexing) and converted to torch CSR tensors, the
transposed batch included, just before their step. Every later layer is
dense, as it is for dense input.
"""

import warnings

import numpy as np
import scipy.sparse as sp
import torch

_NUMPY_DTYPES = {torch.float32: np.float32, torch.float64: np.float64}


def _torch_csr(matrix, device):
    """A scipy CSR matrix as a torch sparse CSR tensor on ``device``."""
    with warnings.catch_warnings():
        # torch calls its CSR support beta, once per process.
        warnings.simplefilter("ignore", UserWarning)
        return torch.sparse_csr_tensor(
            torch.from_numpy(matrix.indptr.astype(np.int64)),
            torch.from_numpy(matrix.indices.astype(np.int64)),
            torch.from_numpy(matrix.data),
            size=matrix.shape,
            check_invariants=False,
        ).to(device)


class SparseBatch:
    """The rows of one training step, and their transpose, as torch CSR.

    Attributes
    ----------
    rows : torch.Tensor of shape (n_samples, n_inputs)
        Sparse CSR; ``torch.addmm(b, rows, W)`` is the first layer's input.
    columns : torch.Tensor of shape (n_inputs, n_samples)
        Sparse CSR transpose of ``rows``, for the weight gradient
        ``columns @ delta``.
    """

    def __init__(self, matrix, device):
        self.rows = _torch_csr(matrix, device)
        self.columns = _torch_csr(matrix.T.tocsr(), device)

    @property
    def shape(self):
        return self.rows.shape


class SparseRows:
    """Training rows held as a scipy CSR matrix, handed out as batches.

    Parameters
    ----------
    matrix : scipy sparse matrix or array of shape (n_samples, n_inputs)
    dtype : torch.dtype
        Precision of training; the matrix is stored in it.
    device : torch.device
        Where the batches go.
    """

    def __init__(self, matrix, dtype, device):
        self.matrix = sp.csr_matrix(matrix, dtype=_NUMPY_DTYPES[dtype])
        self.matrix.sort_indices()
        self.device = device
        self._all = None

    def __len__(self):
        return self.matrix.shape[0]

    @property
    def shape(self):
        return self.matrix.shape

    def all(self):
        """Every row as one batch (built once: full-batch training)."""
        if self._all is None:
            self._all = SparseBatch(self.matrix, self.device)
        return self._all

    def __getitem__(self, index):
        """The rows ``index`` (integer tensor or array) as a batch."""
        if isinstance(index, torch.Tensor):
            index = index.cpu().numpy()
        return SparseBatch(self.matrix[index], self.device)
