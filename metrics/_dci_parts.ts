// The pieces of DCI shared by `dci` (in-process) and `dciAsync` (one factor
// per Worker): checking and encoding the inputs, fitting one factor's boosted
// trees, and assembling the result in factor order, so both forms compute
// bit-identical numbers.
import { accuracy, encodeClasses } from "./_classes.ts";
import {
  completenessFromImportance,
  disentanglementFromImportance,
} from "./_dci_from_importance.ts";
import { fitGradientBoosting, presortFeatures } from "./_gradient_boosting.ts";
import { checkSplits } from "./_split.ts";
import { checkInteger } from "./_validate.ts";
import type { CodesAndFactors } from "./sap.ts";
import type { DciResult } from "./dci.ts";

export const N_ESTIMATORS = 100;
export const MAX_DEPTH = 3;
export const LEARNING_RATE = 0.1;

/** One factor's classification problem: everything a fit needs, structured-cloneable. */
export interface DciFactorJob {
  /** Factor index k. */
  readonly k: number;
  /** Class index of every training row, and of every test row (−1: unseen class). */
  readonly yTrain: Int32Array;
  readonly yTest: Int32Array;
  /** Number of classes. */
  readonly nClasses: number;
  /** Seed of this factor's trees (options.seed + k). */
  readonly seed: number;
}

/** One factor's outcome: column k of the importance matrix and the accuracies. */
export interface DciFactorFit {
  /** |importance| of every code for this factor. */
  readonly importances: Float64Array;
  readonly trainAccuracy: number;
  readonly testAccuracy: number;
}

/** The codes every factor's fit reads, structured-cloneable. */
export interface DciCodes {
  /** Training and test codes by columns. */
  readonly trainCols: Float64Array[];
  readonly testCols: Float64Array[];
  /** The training codes' tagged sorted orders, shared by every factor's fit. */
  readonly trainOrders: Int32Array[];
}

/** Checked inputs: codes by columns and one job per factor. */
export interface DciProblem extends DciCodes {
  readonly seed: number;
  readonly numTrain: number;
  readonly numTest: number;
  readonly jobs: DciFactorJob[];
}

/**
 * Checks the options' seed and both splits and encodes every factor's classes
 * (throwing the first error in factor order, as the sync form always has).
 */
export function prepareDci(
  train: CodesAndFactors,
  test: CodesAndFactors,
  seed: number,
  action: string,
): DciProblem {
  checkInteger(seed, "options.seed", action, 0, 2 ** 32 - 1);
  const { train: tr, test: te } = checkSplits(train, test, action);
  const jobs: DciFactorJob[] = [];
  for (let k = 0; k < tr.factors.d; k++) {
    const { classes, yTrain, yTest } = encodeClasses(
      tr.factors.cols[k],
      te.factors.cols[k],
      `factor ${k} (train.factors[·][${k}])`,
      action,
    );
    jobs.push({ k, yTrain, yTest, nClasses: classes.length, seed: seed + k });
  }
  return {
    seed,
    trainCols: tr.codes.cols,
    testCols: te.codes.cols,
    trainOrders: presortFeatures(tr.codes.cols, tr.codes.n),
    numTrain: tr.codes.n,
    numTest: te.codes.n,
    jobs,
  };
}

/** Fits one factor's boosted trees on the training codes and scores both splits. */
export function fitDciFactor(codes: DciCodes, job: DciFactorJob): DciFactorFit {
  const { trainCols, testCols, trainOrders } = codes;
  const model = fitGradientBoosting(trainCols, job.yTrain, job.nClasses, {
    presorted: trainOrders,
    nEstimators: N_ESTIMATORS,
    maxDepth: MAX_DEPTH,
    learningRate: LEARNING_RATE,
    seed: job.seed,
  });
  return {
    importances: model.importances.map(Math.abs),
    trainAccuracy: accuracy(model.trainPredictions, job.yTrain),
    testAccuracy: accuracy(model.predict(testCols), job.yTest),
  };
}

/** The DCI result from every factor's fit, `fits[k]` for factor k. */
export function assembleDci(problem: DciProblem, fits: readonly DciFactorFit[]): DciResult {
  const nCodes = problem.trainCols.length;
  const nFactors = fits.length;
  const importance = Array.from({ length: nCodes }, () => new Array<number>(nFactors).fill(0));
  let trainAcc = 0;
  let testAcc = 0;
  for (let k = 0; k < nFactors; k++) {
    for (let d = 0; d < nCodes; d++) importance[d][k] = fits[k].importances[d];
    trainAcc += fits[k].trainAccuracy;
    testAcc += fits[k].testAccuracy;
  }
  return {
    disentanglement: disentanglementFromImportance(importance),
    completeness: completenessFromImportance(importance),
    informativeness: { train: trainAcc / nFactors, test: testAcc / nFactors },
    importance,
    seed: problem.seed,
    numTrain: problem.numTrain,
    numTest: problem.numTest,
    nEstimators: N_ESTIMATORS,
    maxDepth: MAX_DEPTH,
    learningRate: LEARNING_RATE,
  };
}

/**
 * The default number of Workers for `nFactors` factors on `cores` cores: the
 * fewest, at least one per core, with which no Worker holds more than its
 * core's fair share nFactors / cores of whole factors. With 5 factors on 2
 * cores that is 3 (2 + 2 + 1 factors, which the cores share out evenly),
 * where 2 Workers would leave one core idle while the other fits its third
 * factor. Never more Workers than factors.
 */
export function defaultDciWorkers(nFactors: number, cores: number): number {
  const share = nFactors / cores;
  for (let w = Math.min(cores, nFactors); w < nFactors; w++) {
    if (Math.ceil(nFactors / w) <= share) return w;
  }
  return nFactors;
}
