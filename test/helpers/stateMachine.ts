/**
 * Test helper: runs infra/state-machine.yml, the definition serverless.yml deploys, against the
 * Lambda handlers in-process. It interprets the part of the States Language that definition uses
 * (Task, Choice on a boolean, a Map with an S3 ItemReader and ItemSelector, Catch with ResultPath,
 * Parameters, Succeed, Fail), so a wrong path or a missing Catch shows up as a failed test rather
 * than a failed deployment. Retries are not simulated: a step either answers or fails.
 */
import { readFileSync } from 'node:fs';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parse } from 'yaml';

type Json = unknown;
type Handler = (event: unknown) => Promise<unknown>;

interface State {
  Type: 'Task' | 'Choice' | 'Map' | 'Succeed' | 'Fail';
  Resource?: { 'Fn::GetAtt': [string, string] };
  Parameters?: Record<string, unknown>;
  ResultPath?: string | null;
  Catch?: { ErrorEquals: string[]; ResultPath?: string; Next: string }[];
  Next?: string;
  End?: boolean;
  Choices?: { Variable: string; BooleanEquals: boolean; Next: string }[];
  Default?: string;
  ItemReader?: { Parameters: { Bucket: { Ref: string }; 'Key.$': string } };
  ItemSelector?: Record<string, unknown>;
  ItemProcessor?: Machine;
  Error?: string;
  Cause?: string;
}
interface Machine {
  StartAt: string;
  States: Record<string, State>;
}

export interface StateError {
  readonly Error: string;
  readonly Cause: string;
}

export interface Execution {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly output?: Json;
  readonly error?: StateError;
  /** Each state entered, in order (a Map's items in the order they ran). */
  readonly path: string[];
}

export interface RunOptions {
  /** The Lambda handler of each function the definition names (discover, collect, report). */
  readonly handlers: Readonly<Record<string, Handler>>;
  /** The S3 client and bucket the Map's ItemReader reads with (the `Ref` of the bucket resolves to it). */
  readonly s3: S3Client;
  readonly bucket: string;
  /** A step to fail as Step Functions would (a timeout, say) instead of calling its handler. */
  readonly failStep?: (state: string, input: Json) => StateError | undefined;
}

export function loadDefinition(path = new URL('../../infra/state-machine.yml', import.meta.url)): Machine {
  // The one serverless variable in the file, at its default.
  const text = readFileSync(path, 'utf8').replace(/\$\{param:\w+, (\d+)\}/g, '$1');
  return parse(text) as Machine;
}

export async function runStateMachine(machine: Machine, input: Json, options: RunOptions): Promise<Execution> {
  const path: string[] = [];
  const result = await runStates(machine, input, options, path);
  return { ...result, path };
}

async function runStates(machine: Machine, input: Json, options: RunOptions, path: string[]): Promise<Omit<Execution, 'path'>> {
  let name = machine.StartAt;
  let data = input;
  for (;;) {
    const state = machine.States[name];
    if (!state) throw new Error(`the definition has no state ${name}`);
    path.push(name);
    switch (state.Type) {
      case 'Succeed':
        return { status: 'SUCCEEDED', output: data };
      case 'Fail':
        return { status: 'FAILED', error: { Error: state.Error ?? 'States.Fail', Cause: state.Cause ?? '' } };
      case 'Choice': {
        const choice = state.Choices!.find((c) => select(data, c.Variable) === c.BooleanEquals);
        name = choice?.Next ?? state.Default!;
        continue;
      }
      case 'Task':
      case 'Map': {
        let outcome: { ok: true; value: Json } | { ok: false; error: StateError };
        try {
          const value = state.Type === 'Task' ? await task(name, state, data, options) : await map(state, data, options, path);
          outcome = { ok: true, value };
        } catch (err) {
          outcome = { ok: false, error: err instanceof StepFailed ? err.error : lambdaError(err) };
        }
        if (!outcome.ok) {
          const handler = state.Catch?.find((c) => c.ErrorEquals.includes('States.ALL') || c.ErrorEquals.includes(outcome.error.Error));
          if (!handler) return { status: 'FAILED', error: outcome.error };
          data = place(data, handler.ResultPath ?? '$', outcome.error);
          name = handler.Next;
          continue;
        }
        data = state.ResultPath === null ? data : place(data, state.ResultPath ?? '$', outcome.value);
        if (state.End) return { status: 'SUCCEEDED', output: data };
        name = state.Next!;
        continue;
      }
    }
  }
}

class StepFailed extends Error {
  constructor(readonly error: StateError) {
    super(error.Error);
  }
}

async function task(name: string, state: State, data: Json, options: RunOptions): Promise<Json> {
  const event = state.Parameters ? fill(state.Parameters, data, undefined) : data;
  const injected = options.failStep?.(name, event);
  if (injected) throw new StepFailed(injected);
  const [fn] = state.Resource!['Fn::GetAtt'];
  const handler = options.handlers[fn];
  if (!handler) throw new Error(`no handler for the function ${fn}`);
  // A Lambda's payload goes through JSON both ways.
  return JSON.parse(JSON.stringify(await handler(JSON.parse(JSON.stringify(event))) ?? null));
}

async function map(state: State, data: Json, options: RunOptions, path: string[]): Promise<Json> {
  const reader = state.ItemReader!.Parameters;
  if (reader.Bucket.Ref !== 'ReportsBucket') throw new Error(`the ItemReader reads another bucket: ${reader.Bucket.Ref}`);
  const object = await options.s3.send(new GetObjectCommand({ Bucket: options.bucket, Key: select(data, reader['Key.$']) as string }));
  const items = JSON.parse(await object.Body!.transformToString()) as Json[];
  const results: Json[] = [];
  for (const item of items) {
    const child = await runStates(state.ItemProcessor!, fill(state.ItemSelector!, data, item), options, path);
    if (child.status === 'FAILED') throw new StepFailed({ Error: 'States.ExceedToleratedFailureThreshold', Cause: child.error!.Cause });
    results.push(child.output);
  }
  return results;
}

/** Parameters and ItemSelector: a key ending in `.$` takes the value at its path. */
function fill(template: Record<string, unknown>, data: Json, item: Json): Json {
  return Object.fromEntries(Object.entries(template).map(([key, value]) => key.endsWith('.$')
    ? [key.slice(0, -2), (value as string) === '$$.Map.Item.Value' ? item : select(data, value as string)]
    : [key, value]));
}

function select(data: Json, jsonPath: string): Json {
  if (jsonPath === '$') return data;
  if (!jsonPath.startsWith('$.')) throw new Error(`unsupported path ${jsonPath}`);
  return jsonPath.slice(2).split('.').reduce<Json>((v, k) => (v as Record<string, Json> | undefined)?.[k], data);
}

function place(data: Json, resultPath: string, value: Json): Json {
  if (resultPath === '$') return value;
  const key = resultPath.slice(2);
  if (!resultPath.startsWith('$.') || key.includes('.')) throw new Error(`unsupported ResultPath ${resultPath}`);
  return { ...(data as object), [key]: value };
}

/** How Step Functions shows a Lambda function's exception: its type, and the payload as Cause. */
function lambdaError(err: unknown): StateError {
  const error = err instanceof Error ? err : new Error(String(err));
  return { Error: error.name, Cause: JSON.stringify({ errorType: error.name, errorMessage: error.message, trace: [] }) };
}
