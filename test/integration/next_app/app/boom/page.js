// Rendered per request, so the failure happens on the server as a missing setting does in production.
export const dynamic = 'force-dynamic';

export default function Orders() {
  if (!process.env.SHOP_API_URL) throw new Error('SHOP_API_URL is not set');
  return <h1>orders</h1>;
}
