// DRF Auth Kit's MFA messages (reference §3), word for word: frontends written for it match on them.
export const MFA_MESSAGES = {
  invalidToken: 'Invalid token',
  invalidCode: 'Invalid code',
  methodDoesNotExist: 'Requested MFA method does not exist.',
  selectNewMethod: 'Please select a new method',
  alreadyExists: 'This method is already exists',
  invalidOtp: 'Invalid OTP code',
  invalidPrimaryCode: 'Invalid primary method code',
  cannotDeleteActive: 'Cannot delete active MFA method',
  cannotDeletePrimary: 'Cannot delete primary MFA method',
  deleteUnknown: 'Method does not exist',
  activated: 'Activated MFA method',
  deactivated: 'Deactivated MFA method',
  primaryUpdated: 'Updated primary MFA method',
  codeSent: 'MFA code sent',
} as const
