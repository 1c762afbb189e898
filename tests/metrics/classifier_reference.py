"""Reference values for tests/metrics/classifier_reference_test.ts.

Runs scikit-learn (the classifiers disentanglement_lib uses) and
disentanglement_lib's formulas for SAP, DCI and explicitness on deterministic
inputs that tests/metrics/_classifier_reference.ts rebuilds bit for bit (every
value is a ratio of small integers, combined in the same order). Writes
classifier_reference.json next to this file.

Made with Debian's python3-sklearn 1.2.1 (numpy 1.24.2, scipy 1.10.1):
    /usr/bin/python3 tests/metrics/classifier_reference.py
    deno fmt tests/metrics/classifier_reference.json
"""
import json
import os

import numpy as np
import scipy.stats
import sklearn
from sklearn import svm
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import MultiLabelBinarizer

N_TRAIN, N_TEST = 240, 120


def rows(start, n):
    factors, codes = [], []
    for i in range(start, start + n):
        f0, f1, f2 = i % 3, (i // 3) % 4, ((i * 7) // 11) % 2
        factors.append([f0, f1, f2])
        codes.append([
            f0 + ((i * 13) % 17) / 20,
            f1 * 0.5 + f0 * 0.2 + ((i * 5) % 23) / 25,
            ((i * 29) % 31) / 31,
            f2 + ((i * 3) % 7) / 5 - f1 * 0.1,
        ])
    return np.array(codes, dtype=np.float64), np.array(factors, dtype=np.int64)


x_train, y_train = rows(0, N_TRAIN)
x_test, y_test = rows(N_TRAIN, N_TEST)
n_codes, n_factors = x_train.shape[1], y_train.shape[1]
out = {}

# DCI: GradientBoostingClassifier() per factor, as dci.py.
importance = np.zeros((n_codes, n_factors))
acc_train, acc_test, raw_test = [], [], []
for k in range(n_factors):
    model = GradientBoostingClassifier(random_state=0)
    model.fit(x_train, y_train[:, k])
    importance[:, k] = np.abs(model.feature_importances_)
    acc_train.append(np.mean(model.predict(x_train) == y_train[:, k]))
    acc_test.append(np.mean(model.predict(x_test) == y_test[:, k]))
    raw_test.append(model.decision_function(x_test[:5]).tolist())


def per_code(m):
    return 1. - scipy.stats.entropy(m.T + 1e-11, base=m.shape[1])


def per_factor(m):
    return 1. - scipy.stats.entropy(m + 1e-11, base=m.shape[0])


out["gbt_importance"] = importance.tolist()
out["gbt_acc_train"] = acc_train
out["gbt_acc_test"] = acc_test
out["gbt_raw_test"] = raw_test
out["dci_disentanglement"] = float(
    np.sum(per_code(importance) * importance.sum(axis=1) / importance.sum()))
out["dci_completeness"] = float(
    np.sum(per_factor(importance) * importance.sum(axis=0) / importance.sum()))

# SAP: LinearSVC(C=0.01, class_weight="balanced") per (code, factor), as sap_score.py,
# and once more solved to convergence for a tight comparison of coefficients.
sap = np.zeros((n_codes, n_factors))
coef_default, coef_tight = [], []
for d in range(n_codes):
    for k in range(n_factors):
        clf = svm.LinearSVC(C=0.01, class_weight="balanced")
        clf.fit(x_train[:, d:d + 1], y_train[:, k])
        sap[d, k] = np.mean(clf.predict(x_test[:, d:d + 1]) == y_test[:, k])
        coef_default.append(np.concatenate([clf.coef_[:, 0], clf.intercept_]).tolist())
        tight = svm.LinearSVC(C=0.01, class_weight="balanced", tol=1e-12, max_iter=1000000)
        tight.fit(x_train[:, d:d + 1], y_train[:, k])
        coef_tight.append(np.concatenate([tight.coef_[:, 0], tight.intercept_]).tolist())
srt = np.sort(sap, axis=0)
out["sap_matrix"] = sap.tolist()
out["sap_score"] = float(np.mean(srt[-1, :] - srt[-2, :]))
out["svm_coef_default"] = coef_default
out["svm_coef_tight"] = coef_tight

# Explicitness: standardised codes, LogisticRegression(), macro one-vs-rest ROC-AUC.
mean, std = x_train.mean(axis=0), x_train.std(axis=0)
xs_train, xs_test = (x_train - mean) / std, (x_test - mean) / std
expl_train, expl_test, lr_coef = [], [], []
for k in range(n_factors):
    clf = LogisticRegression().fit(xs_train, y_train[:, k])
    mlb = MultiLabelBinarizer()
    expl_train.append(roc_auc_score(
        mlb.fit_transform(np.expand_dims(y_train[:, k], 1)), clf.predict_proba(xs_train)))
    expl_test.append(roc_auc_score(
        mlb.fit_transform(np.expand_dims(y_test[:, k], 1)), clf.predict_proba(xs_test)))
    tight = LogisticRegression(tol=1e-12, max_iter=100000).fit(xs_train, y_train[:, k])
    lr_coef.append(np.concatenate([tight.coef_, tight.intercept_[:, None]], axis=1).tolist())
out["explicitness_train"] = expl_train
out["explicitness_test"] = expl_test
out["lr_coef_tight"] = lr_coef

out["_about"] = (
    "Computed by tests/metrics/classifier_reference.py with scikit-learn "
    f"{sklearn.__version__}, numpy {np.__version__}, scipy {scipy.__version__} "
    "following disentanglement_lib's dci.py, sap_score.py and "
    "modularity_explicitness.py on the inputs rebuilt in "
    "tests/metrics/_classifier_reference.ts.")

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "classifier_reference.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print(json.dumps({k: v for k, v in out.items() if "score" in k or "dci" in k}, indent=1))
