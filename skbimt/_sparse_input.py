"""What the estimators accept as sparse ``X``, and what they refuse.

Numeric features may come as a scipy sparse matrix or array (CSR or CSC;
other formats are converted to CSR, as scikit-learn's MLP does). Training
keeps them sparse (:mod:`skbimt._engine.sparse`), the standardisation scales
them without centring (:mod:`skbimt._scaling`) and prediction multiplies
them by the first weight matrix without densifying. Token ids and images
have no sparse form here.
"""

from scipy.sparse import issparse

#: Formats passed to ``validate_data(accept_sparse=...)``.
SPARSE_FORMATS = ("csr", "csc")


def check_sparse_input(estimator, X):
    """Refuse sparse ``X`` for token or image input, saying what to do.

    Parameters
    ----------
    estimator : BIMTRegressor or BIMTClassifier
    X : array-like or sparse matrix
    """
    if not issparse(X):
        return
    for parameter, what in (
        ("embedding_dim", "token ids"),
        ("input_shape", "image pixels"),
    ):
        if getattr(estimator, parameter) is not None:
            raise TypeError(
                f"Sparse X was passed, but with {parameter} set X holds "
                f"{what}, which BIMT reads densely. Convert X with X.toarray(), "
                f"or set {parameter}=None to read X as sparse numeric features."
            )
