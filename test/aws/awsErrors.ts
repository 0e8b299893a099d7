/** SDK-shaped service errors for mocked AWS calls. */
export function awsError(name: string, httpStatusCode: number, message = `${name} (test)`): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode },
  });
}

export const accessDenied = (message = 'User is not authorized to perform this action') => awsError('AccessDeniedException', 403, message);
export const throttling = () => awsError('ThrottlingException', 400, 'Rate exceeded');
export const serverError = () => awsError('InternalFailure', 500, 'We encountered an internal error');
