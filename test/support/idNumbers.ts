const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]

/** A valid mainland ID number (GB 11643 check character), a different one for each `n` < 1000. */
export function mainlandIdNumber(n: number): string {
  const body = `11010519491231${String(n).padStart(3, '0')}`
  const sum = [...body].reduce((acc, digit, i) => acc + Number(digit) * WEIGHTS[i], 0)
  return body + '10X98765432'[sum % 11]
}
