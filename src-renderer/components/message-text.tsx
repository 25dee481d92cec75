// Message text with ``` fences shown as preformatted blocks; everything else as plain text.
export function MessageText({ text }: { text: string }) {
  const parts = text.split(/```\n?/);
  return (
    <>
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <pre key={i} className="block">
            {part.replace(/\n$/, '')}
          </pre>
        ) : part ? (
          <span key={i}>{part}</span>
        ) : null,
      )}
    </>
  );
}
