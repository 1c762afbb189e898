// --emit k8s: a Kubernetes Indexed Job with one completion per run; each pod
// runs `--run-index $JOB_COMPLETION_INDEX` on a PersistentVolumeClaim that
// holds this checkout (and so the experiment folder) at the same path, and a
// second Job that writes the report once the first has completed.
import { relative, resolve } from "node:path";
import { writeFileAtomic } from "../../data/write_file_atomic.ts";
import { CliError } from "../_train/cli_error.ts";
import type { Study } from "./open_study.ts";
import {
  REPORT_RESOURCES,
  RUN_RESOURCES,
  type RunResources,
  slurmSeconds,
} from "./run_resources.ts";
import { EXPERIMENT_PERMISSIONS, projectRoot, studyArgs } from "./study_args.ts";
import type { EmittedJobs } from "./emit_slurm.ts";

/** Options of {@link emitK8s}. */
export interface EmitK8sOptions {
  /** Container image with Deno on its PATH. */
  readonly image?: string;
  /** PersistentVolumeClaim holding this checkout. */
  readonly volume?: string;
  /** Pods at once (default: every run). */
  readonly parallel?: number;
  /** Threads of one run (default: the preset's CPUs per run). */
  readonly threads?: number;
  /** Seconds without a heartbeat before a claim is taken over. */
  readonly staleAfter?: number;
}

/** Kubernetes memory notation: 4G → 4Gi. */
function quantity(memory: string): string {
  return memory.replace(/([KMGT])$/, "$1i");
}

function podSpec(
  name: string,
  args: string[],
  resources: RunResources,
  { image, volume, root, env }: { image: string; volume: string; root: string; env: string[][] },
): string[] {
  const q = JSON.stringify;
  return [
    "      restartPolicy: Never",
    `      activeDeadlineSeconds: ${slurmSeconds(resources.time)}`,
    "      containers:",
    `        - name: ${name}`,
    `          image: ${q(image)}`,
    `          workingDir: ${q(root)}`,
    '          command: ["deno"]',
    "          args:",
    ...args.map((a) => `            - ${q(a)}`),
    "          env:",
    ...env.map(([k, v]) => `            - { name: ${k}, value: ${q(v)} }`),
    "          resources:",
    `            requests: { cpu: "${resources.cpus}", memory: ${q(quantity(resources.memory))} }`,
    `            limits: { cpu: "${resources.cpus}", memory: ${q(quantity(resources.memory))} }`,
    "          volumeMounts:",
    `            - { name: study, mountPath: ${q(root)} }`,
    "      volumes:",
    `        - { name: study, persistentVolumeClaim: { claimName: ${q(volume)} } }`,
  ];
}

/** Writes k8s-indexed-job.yaml and k8s-report-job.yaml for `study`. */
export async function emitK8s(study: Study, options: EmitK8sOptions = {}): Promise<EmittedJobs> {
  const n = study.plan.length;
  const preset = RUN_RESOURCES[study.name]?.[study.preset] ??
    { cpus: 2, memory: "4G", time: "04:00:00" };
  const {
    image = "denoland/deno:2.9.6",
    volume = "disentangle-study",
    parallel = n,
    threads = preset.cpus,
    staleAfter = 300,
  } = options;
  const root = resolve(projectRoot());
  const dir = resolve(study.dir);
  if (relative(root, dir).startsWith("..")) {
    throw new CliError(
      `Cannot emit the Kubernetes jobs: the experiment folder ${dir} is outside the checkout ${root}, which the pods mount; give an --out inside it`,
    );
  }
  const name = `${study.name}-${study.preset}`.toLowerCase().replace(/[^a-z0-9-]/g, "-");
  const base = [
    "run",
    ...EXPERIMENT_PERMISSIONS,
    "--config",
    resolve(root, "deno.json"),
    resolve(root, "experiments", "experiment.ts"),
    ...studyArgs(study),
  ];
  const env = [["NO_COLOR", "1"], ["DENO_DIR", resolve(root, ".deno-dir")]];
  const where = { image, volume, root };
  const runs = [
    `# Study ${name}: ${n} runs, one indexed completion each (see --plan for the index).`,
    "# A pod claims its run in the experiment folder on the shared volume, so a retried",
    "# or duplicated pod never trains a run twice, and resumes a run a lost pod left behind.",
    "apiVersion: batch/v1",
    "kind: Job",
    "metadata:",
    `  name: ${name}`,
    `  labels: { app: disentangle-study, study: ${name} }`,
    "spec:",
    "  completionMode: Indexed",
    `  completions: ${n}`,
    `  parallelism: ${parallel}`,
    "  backoffLimitPerIndex: 2",
    `  maxFailedIndexes: ${n}`,
    "  template:",
    "    metadata:",
    `      labels: { app: disentangle-study, study: ${name} }`,
    "    spec:",
    ...podSpec(
      "run",
      [
        ...base,
        "--threads",
        String(threads),
        "--stale-after",
        String(staleAfter),
        "--run-index",
        "$(JOB_COMPLETION_INDEX)",
      ],
      { ...preset, cpus: threads },
      { ...where, env: [...env, ["DISENTANGLE_THREADS", String(threads)]] },
    ),
    "",
  ].join("\n");
  const report = [
    `# The report of study ${name}: apply once the indexed Job has finished`,
    `# (kubectl wait --for=condition=complete job/${name}).`,
    "apiVersion: batch/v1",
    "kind: Job",
    "metadata:",
    `  name: ${name}-report`,
    `  labels: { app: disentangle-study, study: ${name} }`,
    "spec:",
    "  backoffLimit: 1",
    "  template:",
    "    metadata:",
    `      labels: { app: disentangle-study, study: ${name} }`,
    "    spec:",
    ...podSpec(
      "report",
      [...base, "--stale-after", String(staleAfter), "--report-only"],
      REPORT_RESOURCES,
      {
        ...where,
        env,
      },
    ),
    "",
  ].join("\n");
  const runsPath = resolve(dir, "k8s-indexed-job.yaml");
  const reportPath = resolve(dir, "k8s-report-job.yaml");
  await writeFileAtomic(runsPath, runs);
  await writeFileAtomic(reportPath, report);
  const submit = [
    `kubectl apply -f ${runsPath}`,
    `kubectl wait --for=condition=complete --timeout=24h job/${name}   # or follow: kubectl get job ${name} -w`,
    `kubectl apply -f ${reportPath}`,
  ].join("\n");
  return { files: [runsPath, reportPath], submit };
}
