export default function Home() {
  return <h1>shop</h1>;
}
